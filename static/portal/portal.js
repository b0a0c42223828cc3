// Start GOV.UK Frontend components; no inline script anywhere (Content-Security-Policy).
import { initAll } from "/static/govuk/govuk-frontend.min.js";
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Wide tables scroll inside their own box (.portal-table-scroll; a table without one is given one). Where one does, keyboard users can
// reach it (a focusable region named by its table's caption) and everyone sees a cue that more columns
// lie to the side. Checked again when the window is resized and after htmx swaps part of a page.
function markScrollBoxes() {
  document.querySelectorAll("main table.govuk-table").forEach((table) => {
    if (!table.closest(".portal-table-scroll, .portal-stack")) {
      const box = document.createElement("div");
      box.className = "portal-table-scroll";
      table.replaceWith(box);
      box.append(table);
    }
  });
  document.querySelectorAll(".portal-table-scroll").forEach((box) => {
    const overflowing = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("portal-table-scroll--more", overflowing);
    if (overflowing && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label")) {
        const caption = box.querySelector("caption");
        const name = caption ? caption.textContent.trim().replace(/\s+/g, " ") : "Table";
        box.setAttribute("aria-label", `${name} (scrolls sideways)`);
      }
    }
  });
}
markScrollBoxes();
window.addEventListener("resize", markScrollBoxes);
document.body.addEventListener("htmx:afterSettle", markScrollBoxes);
