"""Open data API (``/api/v1/``, :mod:`dashboard.deliver.api.v1`) and embeds (``/upotus/``,
:mod:`dashboard.deliver.api.embed`): read-only views of what the pages publish."""
from __future__ import annotations


def register(server) -> None:
    """Mount the API and the embed pages on the Flask ``server``."""
    from dashboard.deliver.api import embed, v1

    v1.register(server)
    embed.register(server)
