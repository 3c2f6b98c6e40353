// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function updateCounter(textarea) {
    var form = textarea.closest("form");
    var counter = form && form.querySelector(".compose__counter");
    if (!counter) return;
    var max = parseInt(textarea.getAttribute("data-max-length"), 10) || 500;
    var left = max - Array.from(textarea.value).length;
    counter.textContent = left + " left";
    counter.classList.toggle("compose__counter--over", left < 0);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-max-length]")) {
      updateCounter(event.target);
    }
  });

  function initCounters(root) {
    root.querySelectorAll("textarea[data-max-length]").forEach(updateCounter);
  }

  document.addEventListener("DOMContentLoaded", function () { initCounters(document); });
  document.addEventListener("htmx:afterSettle", function (event) { initCounters(event.target); });

  // Image slots of the composer: a preview of the chosen file, and a reminder while it has no
  // description (a reminder only: posting without one is allowed).
  function updateSlot(slot) {
    var file = slot.querySelector("input[type=file]");
    var alt = slot.querySelector("textarea");
    var preview = slot.querySelector(".media-slot__preview");
    var reminder = slot.querySelector(".media-slot__reminder");
    var chosen = file && file.files && file.files[0];
    if (reminder) reminder.hidden = !chosen || (alt && alt.value.trim() !== "");
    if (!preview) return;
    if (!chosen) {
      preview.hidden = true;
      preview.removeAttribute("src");
      return;
    }
    var reader = new FileReader();  // a data: URL, which the Content-Security-Policy allows
    reader.onload = function () {
      preview.src = reader.result;
      preview.hidden = false;
    };
    reader.readAsDataURL(chosen);
  }

  document.addEventListener("change", function (event) {
    var slot = event.target.closest && event.target.closest(".media-slot");
    if (slot && event.target.matches("input[type=file]")) updateSlot(slot);
  });
  document.addEventListener("input", function (event) {
    var slot = event.target.closest && event.target.closest(".media-slot");
    if (slot && event.target.matches("textarea")) {
      var reminder = slot.querySelector(".media-slot__reminder");
      var file = slot.querySelector("input[type=file]");
      if (reminder) {
        reminder.hidden = !(file && file.files && file.files[0]) || event.target.value.trim() !== "";
      }
    }
  });

  // The composer's poll: without this, four option inputs (blank ones are left out). With it,
  // the two first and any filled in show, "Add an option" adds one (up to four), "Remove" takes
  // one away while more than two remain.
  var POLL_MIN = 2, POLL_MAX = 4;

  function pollSlots(list) { return Array.from(list.querySelectorAll(".poll-options__slot")); }

  function renumberPoll(section) {
    var list = section.querySelector(".poll-options__list");
    var slots = pollSlots(list);
    slots.forEach(function (slot, i) {
      var input = slot.querySelector("input");
      var label = slot.querySelector("label");
      input.id = "id_poll_option_" + (i + 1);
      label.htmlFor = input.id;
      label.textContent = "Option " + (i + 1);
      var remove = slot.querySelector(".poll-options__remove");
      if (remove) {
        remove.hidden = slots.length <= POLL_MIN;
        remove.setAttribute("aria-label", "Remove option " + (i + 1));
      }
    });
    var add = section.querySelector(".poll-options__add");
    if (add) add.hidden = slots.length >= POLL_MAX;
  }

  function addRemoveButton(section, slot) {
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button--secondary button--small poll-options__remove";
    remove.textContent = "Remove";
    remove.addEventListener("click", function () {
      if (pollSlots(slot.parentNode).length <= POLL_MIN) return;
      slot.remove();
      renumberPoll(section);
      var first = section.querySelector(".poll-options__slot input");
      if (first) first.focus();
    });
    slot.appendChild(remove);
  }

  function enhancePoll(section) {
    if (section.hasAttribute("data-poll-ready")) return;
    section.setAttribute("data-poll-ready", "");
    var list = section.querySelector(".poll-options__list");
    if (!list) return;
    var slots = pollSlots(list);
    var template = slots[0].cloneNode(true);
    template.querySelector("input").value = "";
    template.querySelector("input").removeAttribute("aria-invalid");
    // Leave out blank inputs past the first two (they would be ignored anyway).
    slots.slice(POLL_MIN).forEach(function (slot) {
      if (slot.querySelector("input").value.trim() === "") slot.remove();
    });
    pollSlots(list).forEach(function (slot) { addRemoveButton(section, slot); });
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button--secondary button--small poll-options__add";
    add.textContent = "Add an option";
    add.addEventListener("click", function () {
      if (pollSlots(list).length >= POLL_MAX) return;
      var slot = template.cloneNode(true);
      list.appendChild(slot);
      addRemoveButton(section, slot);
      renumberPoll(section);
      slot.querySelector("input").focus();
    });
    list.after(add);
    renumberPoll(section);
  }

  function initPolls(root) {
    if (root.matches && root.matches("[data-poll]")) enhancePoll(root);
    root.querySelectorAll("[data-poll]").forEach(enhancePoll);
  }
  document.addEventListener("DOMContentLoaded", function () { initPolls(document); });
  document.addEventListener("htmx:afterSettle", function (event) { initPolls(event.target); });

  // A failure htmx could not show (network down, server error): say so in the notice area.
  function showProblem(text) {
    var flash = document.getElementById("flash");
    if (!flash) return;
    var p = document.createElement("p");
    p.className = "notice notice--error";
    p.textContent = text;
    flash.replaceChildren(p);
  }
  document.addEventListener("htmx:sendError", function () {
    showProblem("Could not reach the server. Check your connection and try again.");
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status >= 500) {
      showProblem("Something went wrong on our side. Please try again.");
    }
  });
})();

// Live timelines: new posts from the streaming API are counted in a "Show N new posts"
// bar, and inserted (by reloading the first page's list) only when it is clicked.
(function () {
  "use strict";

  function startLiveBar(bar) {
    if (!window.EventSource) return;
    var pending = new Set();
    var count = bar.querySelector(".live-bar__count");
    var noun = bar.querySelector(".live-bar__noun");
    var source = new EventSource(bar.getAttribute("data-live-stream"), { withCredentials: true });

    function show() {
      count.textContent = String(pending.size);
      noun.textContent = pending.size === 1 ? "post" : "posts";
      bar.hidden = pending.size === 0;
    }
    source.addEventListener("update", function (event) {
      var id;
      try { id = JSON.parse(event.data).id; } catch (e) { return; }
      if (!id || document.getElementById("post-" + id)) return;  // already on the page
      pending.add(id);
      show();
    });
    source.addEventListener("delete", function (event) {
      var card = document.getElementById("post-" + event.data);
      if (card) card.remove();
      pending.delete(event.data);
      show();
    });
    bar.querySelector("button").addEventListener("click", function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("timeline");
          var timeline = document.getElementById("timeline");
          if (fresh && timeline) timeline.replaceWith(document.importNode(fresh, true));
          pending.clear();
          show();
        })
        .catch(function () { window.location.reload(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-stream]").forEach(startLiveBar);
  });
})();
