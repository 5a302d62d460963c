// The platform's PDF viewer: pdf.js (served by the platform from npm's pdfjs-dist) draws
// the pages of the file into canvases on the page, so nobody opens an uploaded PDF in the
// browser's own viewer under the platform's origin. No text layer and no forms: what a
// clerk or an applicant needs is to read the page, and nothing in the file can run.
// Every page has its place at once (its size from the file); a page is drawn as it comes
// near the screen and let go when it is far, so a file of hundreds of pages holds only
// the canvases around what is read.
const root = document.getElementById("pdf-viewer");
const NEAR = "150% 0px"; // draw a screen and a half ahead, let go beyond that

function label(template, n) {
  return template.replace("{n}", String(n));
}

async function draw(pdf, slot) {
  const number = Number(slot.dataset.page);
  const page = await pdf.getPage(number);
  const ratio = window.devicePixelRatio || 1;
  const natural = page.getViewport({ scale: 1 });
  const scale = Math.min(2, slot.clientWidth / natural.width);
  const viewport = page.getViewport({ scale: scale * ratio });
  const canvas = document.createElement("canvas");
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.className = "pdf-page";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label(root.dataset.page, number));
  slot.replaceChildren(canvas);
  await page.render({ canvas, viewport }).promise;
  slot.dataset.drawn = "1";
}

async function show() {
  const status = root.querySelector(".pdf-status");
  try {
    const pdfjs = await import(root.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.worker;
    const pdf = await pdfjs.getDocument({
      url: root.dataset.src,
      cMapUrl: root.dataset.cmaps,
      cMapPacked: true,
      standardFontDataUrl: root.dataset.fonts,
      wasmUrl: root.dataset.wasm,
      iccUrl: root.dataset.iccs,
      isEvalSupported: false,
      enableXfa: false,
    }).promise;
    const first = (await pdf.getPage(1)).getViewport({ scale: 1 });
    const slots = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const slot = document.createElement("div");
      slot.className = "pdf-slot border mb-3";
      slot.dataset.page = String(number);
      slot.style.aspectRatio = first.width + " / " + first.height;
      root.appendChild(slot);
      slots.push(slot);
    }
    let drawing = 0;
    const observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          const slot = entry.target;
          if (entry.isIntersecting && !slot.dataset.drawn) {
            slot.dataset.drawn = "0";
            drawing += 1;
            draw(pdf, slot).finally(function () {
              drawing -= 1;
              if (drawing === 0) {
                root.dataset.rendered = String(pdf.numPages);
              }
            });
          } else if (!entry.isIntersecting && slot.dataset.drawn === "1") {
            slot.replaceChildren(); // far from the screen: its canvas is let go
            delete slot.dataset.drawn;
          }
        });
      },
      { rootMargin: NEAR },
    );
    slots.forEach(function (slot) {
      observer.observe(slot);
    });
    status.textContent = label(root.dataset.pages, pdf.numPages);
  } catch (error) {
    status.textContent = root.dataset.failed;
    status.classList.replace("text-body-secondary", "text-danger");
    root.dataset.rendered = "failed";
  }
}

if (root) {
  show();
}
