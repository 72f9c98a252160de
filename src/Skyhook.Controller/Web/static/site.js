// Skyhook console: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // Long operations show progress, and a double click does not submit twice. Disabled after the
  // browser has read the form, so that the pressed button's name and value are still sent.
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit]")) {
      button.disabled = true;
      button.classList.add("busy");
    }
    form.setAttribute("aria-busy", "true");
  }, 0);
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const source = document.getElementById(button.getAttribute("data-copy"));
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim()).then(() => {
      button.textContent = "Copied";
    });
  }
});
// Activity pages: the live tail. Long-polls the page's Tail handler (same filters) and puts new rows
// on top. Cells are set as text, never as markup: they come from the network (names, paths).
(() => {
  const live = document.getElementById("live-tail");
  const body = document.querySelector("#activity tbody");
  if (!live || !body) {
    return;
  }
  const status = document.getElementById("live-status");
  let after = live.getAttribute("data-after") || "0";
  let running = null;
  const add = (row) => {
    const tr = document.createElement("tr");
    tr.setAttribute("data-id", String(row.id));
    tr.classList.add("new");
    if (row.denied) {
      tr.classList.add("denied");
    }
    for (const cell of row.cells) {
      const td = document.createElement("td");
      td.textContent = cell === null || cell === undefined ? "—" : String(cell);
      tr.appendChild(td);
    }
    body.prepend(tr);
    const empty = document.getElementById("activity-empty");
    if (empty) {
      empty.remove();
    }
  };
  const poll = async (signal) => {
    while (!signal.aborted) {
      try {
        const response = await fetch(live.getAttribute("data-tail") + "&after=" + encodeURIComponent(after), {
          signal, credentials: "same-origin", headers: { Accept: "application/json" },
        });
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        const answer = await response.json();
        for (const row of answer.rows) {
          add(row);
          after = String(row.id);
        }
        status.textContent = "live";
      } catch (error) {
        if (signal.aborted) {
          return;
        }
        // Signed out (the answer is the sign-in page) or the controller restarting: try again shortly.
        status.textContent = "paused (" + error.message + "), retrying";
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    }
  };
  live.addEventListener("change", () => {
    if (live.checked && !running) {
      running = new AbortController();
      status.textContent = "live";
      poll(running.signal);
    } else if (!live.checked && running) {
      running.abort();
      running = null;
      status.textContent = "";
    }
  });
})();
