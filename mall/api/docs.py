"""The API's description: /api/v1/openapi.json and a readable page rendered on the server from the same spec
(no JavaScript, no CDN)."""
from flask import current_app, jsonify, make_response, render_template

from mall.api.auth import PUBLIC
from mall.api.blueprint import bp
from mall.api.operations import operation
from mall.api.spec import build_spec

EXTENSION = "mall_api_spec"


def spec_document() -> dict:
    """Built once per app: the operations do not change while it runs."""
    if EXTENSION not in current_app.extensions:
        current_app.extensions[EXTENSION] = build_spec()
    return current_app.extensions[EXTENSION]


@operation(bp, "/openapi.json", summary="This API's OpenAPI 3.1 document", tag="meta", audience=PUBLIC)
def openapi():
    return jsonify(spec_document())


@operation(bp, "/docs", summary="This API's documentation as a page", tag="meta", audience=PUBLIC,
           produces="text/html")
def docs():
    document = spec_document()
    return make_response(render_template("api/docs.html", spec=document, schemas=document["components"]["schemas"]))
