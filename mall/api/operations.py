"""API operations: one decorator registers the route, checks the caller, parses the input with marshmallow,
dumps the output, and records the operation for the OpenAPI document (mall.api.spec), so the spec is
generated from the same declarations that run.
"""
from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, ValidationError

from mall.api.auth import authenticate
from mall.api.problems import ApiProblem, field_errors
from mall.ratelimits import API, API_REFUSED, limited


@dataclass(frozen=True)
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    audience: str
    body: Schema | None = None
    query: Schema | None = None
    response: Schema | None = None
    status: int = 200
    idempotent: bool = False
    description: str = ""
    produces: str = "application/json"


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, rule: str, method: str = "GET", *, summary: str, tag: str, audience: str,
              body: Schema | None = None, query: Schema | None = None, response: Schema | None = None,
              status: int = 200, idempotent: bool = False, produces: str = "application/json"):
    """Declare an API operation. The view gets path values, plus `body` and `query` (loaded) when declared, and
    returns what `response` dumps (or a ready Response)."""

    def register(fn):
        name = f"{tag}_{fn.__name__}"  # consumer_order, brand_order: one namespace per audience
        op = Operation(rule=bp.url_prefix + rule, method=method, endpoint=f"{bp.name}.{name}",
                       summary=summary, tag=tag, audience=audience, body=body, query=query, response=response,
                       status=status, idempotent=idempotent, description=(fn.__doc__ or "").strip(),
                       produces=produces)
        OPERATIONS.append(op)

        @wraps(fn)
        def view(**path):
            authenticate(audience, method)
            values = dict(path)
            if body is not None:
                values["body"] = load(body, json_body())
            if query is not None:
                values["query"] = load(query, request.args.to_dict())
            result = fn(**values)
            if isinstance(result, Response):
                return result
            return respond(response, result, status)

        bp.add_url_rule(rule, endpoint=name, view_func=limited(API, API_REFUSED)(view), methods=[method])
        return view

    return register


def json_body() -> dict:
    if not request.is_json:
        raise ApiProblem("invalid-request", "Send the body as JSON (Content-Type: application/json).")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiProblem("invalid-request", "The body must be a JSON object.")
    return data


def load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as err:
        raise ApiProblem("validation-failed", errors=field_errors(err.messages)) from err


def respond(schema: Schema | None, result, status: int) -> Response:
    response = jsonify(schema.dump(result) if schema is not None else result)
    response.status_code = status
    return response
