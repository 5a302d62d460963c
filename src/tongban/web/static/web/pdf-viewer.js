// The platform's PDF viewer: pdf.js (served by the platform from npm's pdfjs-dist) draws
// each page of the file into a canvas on the page, so nobody opens an uploaded PDF in the
// browser's own viewer under the platform's origin. No text layer and no forms: what a
// clerk or an applicant needs is to read the page, and nothing in the file can run.
const root = document.getElementById("pdf-viewer");

function label(template, n) {
  return template.replace("{n}", String(n));
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
    const ratio = window.devicePixelRatio || 1;
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await pdf.getPage(number);
      const natural = page.getViewport({ scale: 1 });
      const scale = Math.min(2, root.clientWidth / natural.width);
      const viewport = page.getViewport({ scale: scale * ratio });
      const canvas = document.createElement("canvas");
      canvas.className = "pdf-page border mb-3";
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = Math.floor(viewport.width / ratio) + "px";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", label(root.dataset.page, number));
      root.appendChild(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    status.textContent = label(root.dataset.pages, pdf.numPages);
    root.dataset.rendered = String(pdf.numPages);
  } catch (error) {
    status.textContent = root.dataset.failed;
    status.classList.replace("text-body-secondary", "text-danger");
    root.dataset.rendered = "failed";
  }
}

if (root) {
  show();
}
