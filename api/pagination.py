"""Page-number pagination with one envelope for every list: items, count, page, pages."""

from math import ceil

from ninja import Field, Schema

MAX_PAGE_SIZE = 500


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


def paginate(queryset, params: PageParams, *, count: int | None = None) -> dict:
    count = queryset.count() if count is None else count
    start = (params.page - 1) * params.page_size
    return {
        "items": list(queryset[start : start + params.page_size]),
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": max(1, ceil(count / params.page_size)),
    }
