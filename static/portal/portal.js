// Start GOV.UK Frontend components; no inline script anywhere (Content-Security-Policy).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
