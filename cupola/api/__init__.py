"""HTTP: the images-api compatible routes, the native /api/v1 with OpenAPI, files and the web UI."""

from cupola.api.app import create_app

__all__ = ["create_app"]
