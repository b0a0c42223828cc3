"""The API's CSV answers (docs/api.md): a view that offers `?format=csv` lists `CSVRenderer` among its
renderers and streams the body itself through `portal.exports.csv_response` (ADR 0600, 0602)."""

from rest_framework.renderers import BaseRenderer


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` pass content negotiation; the view itself streams the body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only errors reach here (the CSV itself is streamed by the view): say them as text.
        if isinstance(data, dict):
            return "\n".join(f"{key}: {value}" for key, value in data.items()).encode()
        return str(data or "").encode()
