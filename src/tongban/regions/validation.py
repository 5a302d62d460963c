"""Region codes as input: a code that never existed in GB/T 2260 is refused with a clear error."""

from django.utils.translation import gettext_lazy as _

from tongban import regions
from tongban.core.errors import InvalidInput


def region_require(code: str | None, *, field: str = "region") -> regions.Region:
    """The region of a code that exists or once existed; `unknown_region` (422) otherwise."""
    region = regions.get((code or "").strip())
    if region is None:
        raise InvalidInput(
            "unknown_region",
            _(
                "地区代码 %(code)s 不存在：请填写 GB/T 2260 六位行政区划代码，如 310115。"
            )
            % {"code": code},
            fields={field: "unknown"},
        )
    return region
