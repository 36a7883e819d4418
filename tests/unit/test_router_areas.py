"""The API includes a router on the first request of one of its areas (billing/http/app.py): every route
must lie in the areas its module declares, and no path may match two routes of one method, or the order in
which areas are first requested would decide which route answers."""

import importlib
import itertools
import re

from billing.http.app import ROUTER_AREAS, areas_of

PARAMETER = re.compile(r"<\w+>")


def routes() -> list[tuple[str, str, str]]:
    found = []
    for name in ROUTER_AREAS:
        router = importlib.import_module(f"billing.http.{name}").router
        for key in router._routes:  # Powertools keeps (rule, methods, ...) per route until included
            rule, methods = key[0], key[1]
            found += [(name, method.upper(), rule) for method in methods]
    return found


def test_every_route_lies_in_its_routers_areas():
    outside = [(name, rule) for name, _, rule in routes() if not areas_of(rule) & set(ROUTER_AREAS[name])]
    assert outside == []
    assert len(routes()) >= 80


def test_no_path_matches_two_routes_of_one_method():
    def pattern(rule: str) -> re.Pattern[str]:
        return re.compile("^" + PARAMETER.sub("[^/]+", rule) + "$")

    clashes = [
        (a, b)
        for (_, method_a, a), (_, method_b, b) in itertools.combinations(routes(), 2)
        if method_a == method_b and (pattern(a).match(PARAMETER.sub("x", b)) or pattern(b).match(PARAMETER.sub("x", a)))
    ]
    assert clashes == []


def test_a_path_lies_in_its_resource_and_its_sub_resource():
    assert areas_of("/v1/accounts/acct_1/budgets/bud_1") == {"/v1/accounts", "/v1/accounts/*/budgets"}
    assert areas_of("/v1/accounts/acct_1") == {"/v1/accounts"}
    serving = {name for name, own in ROUTER_AREAS.items() if areas_of("/v1/accounts/acct_1/budgets") & set(own)}
    assert serving == {"accounts", "costs"}
    assert {name for name, own in ROUTER_AREAS.items() if areas_of("/v1/accounts") & set(own)} == {"accounts"}
