"""A poster as an HTTP answer, the same for the share centre's downloads and the JSON API's poster URLs."""
from flask import Response, current_app

from mall.media.extension import media
from mall.sharing.images import image_bytes
from mall.sharing.posters import poster
from mall.templating import locale_code


def poster_response(subject: str, partner, content, image_path, filename: str) -> Response:
    store = media.store
    result = poster(store, subject=subject, partner_id=partner.id, language=locale_code(), content=content,
                    image_path=image_path,
                    load_image=lambda: image_bytes(image_path, store=store, static_folder=current_app.static_folder))
    response = Response(result.data, mimetype="image/png")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.png"'
    response.headers["X-Poster-Cache"] = "miss" if result.drawn else "hit"
    response.cache_control.private = True
    response.cache_control.max_age = 300
    return response
