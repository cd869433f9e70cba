"""One JSON answer of an offline API, as a real `requests.Response`: what the offline X
and Mastodon adapters hand their client instead of going to the network."""

import io
import json
from http import HTTPStatus

import requests
from requests.structures import CaseInsensitiveDict


def json_response(adapter, request, status: int, body, headers: dict) -> requests.Response:
    content = json.dumps(body).encode("utf-8")
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase
    response.headers = CaseInsensitiveDict(headers)
    response.encoding = "utf-8"
    response._content = content
    response._content_consumed = True
    response.raw = io.BytesIO(content)
    response.url = request.url
    response.request = request
    response.connection = adapter
    return response
