"""Every URL the project serves, from Django's resolver and Ninja's OpenAPI schema.

A URL with path parameters needs a RULE saying which of Charlie's rows fills each
parameter: a view added later without a rule fails the walk instead of being skipped.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name ("banking:statement"), or the route itself when unnamed
    route: str  # "banking/statements/<int:pk>/"
    params: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> str:
        def sub(m):
            return str(values[m.group("name")])

        path = REGEX_GROUP.sub(sub, self.route)
        path = CONVERTER.sub(sub, path)
        path = path.replace("^", "").replace("$", "")
        return "/" + path.lstrip("/")


def django_routes() -> list[Route]:
    found: list[Route] = []
    _walk(get_resolver().url_patterns, "", [], found)
    return found


def _walk(patterns, prefix: str, namespaces: list[str], out: list[Route]) -> None:
    for p in patterns:
        piece = _text(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespaces + [p.namespace] if p.namespace else namespaces
            _walk(p.url_patterns, prefix + piece, ns, out)
        elif isinstance(p, URLPattern):
            route = prefix + piece
            regex = tuple(m.group("name") for m in REGEX_GROUP.finditer(route))
            plain = REGEX_GROUP.sub("", route)
            params = regex + tuple(m.group("name") for m in CONVERTER.finditer(plain))
            name = ":".join(namespaces + [p.name]) if p.name else route
            out.append(Route(name=name, route=route, params=params))


def _text(pattern) -> str:
    raw = str(pattern)
    return raw.replace("\\Z", "")


def api_routes(api) -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, "/api/path/{id}", params) for every operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    out = []
    for path, ops in schema["paths"].items():
        for method in ops:
            params = tuple(re.findall(r"{(\w+)}", path))
            out.append((method.upper(), path, params))
    return out
