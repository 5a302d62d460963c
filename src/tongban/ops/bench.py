"""The baseline of `make bench`: a bare Django view doing one insert, mounted only when
TONGBAN_BENCH is on (never in production)."""

import uuid

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tongban.cases.models import NumberSequence


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    row = NumberSequence.objects.create(prefix=f"bench:{uuid.uuid4().hex}")
    return JsonResponse({"id": row.pk}, status=201)
