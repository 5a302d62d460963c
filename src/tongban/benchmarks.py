"""The baselines of `make bench`, mounted only when TONGBAN_BENCH is on (never in
production):

- `bare_insert`: a bare Django view doing one insert;
- `upload_floor`: the least any submission must do with the same request — parse the
  multipart body, hash and store each file through the storage API, one insert — so the
  benchmark shows how much of a submission's cost is the upload itself.

They write through an app's models (cases' `NumberSequence`), so they sit in the top
layer, beside the pages and the API, never in a lower app.
"""

import hashlib
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tongban.cases.models import NumberSequence


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    row = NumberSequence.objects.create(prefix=f"bench:{uuid.uuid4().hex}")
    return JsonResponse({"id": row.pk}, status=201)


@csrf_exempt
def upload_floor(request: HttpRequest) -> JsonResponse:
    stored = {}
    for name, upload in request.FILES.items():
        if not isinstance(upload, UploadedFile):
            continue
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        path = default_storage.save(f"bench/{uuid.uuid4().hex}.pdf", upload)
        stored[name] = (path, digest.hexdigest())
    row = NumberSequence.objects.create(prefix=f"bench:{uuid.uuid4().hex}")
    return JsonResponse({"id": row.pk, "files": len(stored)}, status=201)
