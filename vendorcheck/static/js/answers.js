// Answering without losing anything (progressive enhancement: without this script the page's "Save draft" and
// "Save and continue" buttons post the whole form and the server shows the follow-up questions on reload).
//
// With it, the section saves itself as the person types (the form's data-autosave address, a JSON answer):
// 1.5 s after the last keystroke, sooner after a choice that shows or hides follow-up questions. The answer says
// which questions the answers now ask, so follow-ups appear and go in place: no reload, focus stays where it is.
// Each save returns the new "seen" tokens (what the page now shows as stored), so the next save writes only what
// changed since and never reads its own last save as someone else's edit. Links and uploads wait for the save;
// leaving with something unsaved asks first. Field errors are tied to their fields (aria-invalid, -describedby).
(function () {
  "use strict";
  var form = document.getElementById("answers-form");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave");
  var status = document.getElementById("save-status");
  var TYPING_DELAY = 1500;
  var CHOICE_DELAY = 400;
  var dirty = {};       // question id -> true: changed since the last save was sent
  var refused = {};     // question id -> message: the last save refused it; it stays unsaved until accepted
  var pendingSeen = {}; // question id -> token to take when the person edits it again (after a refusal)
  var timer = null;
  var inFlight = null;
  var again = false;
  var stopped = false;  // the link closed or the page expired: saving cannot work any more
  var guarded = false;
  var passing = null;   // a submit let through after its save

  // A slot's outcome after an upload: move focus to it, beside its question.
  // (After the load: the browser's own scroll to the page's #fragment comes first and would take focus back.)
  var note = document.querySelector("[data-slot-note]");
  if (note) {
    window.addEventListener("load", function () { setTimeout(function () { note.focus(); }, 0); });
  }

  if (!url) { return; }

  function has(map) { return Object.keys(map).length > 0; }
  function unsaved() { return has(dirty) || has(refused) || inFlight !== null || timer !== null; }

  function warn(event) { event.preventDefault(); event.returnValue = ""; return ""; }
  function guard() {
    var need = unsaved();
    if (need && !guarded) { window.addEventListener("beforeunload", warn); guarded = true; }
    if (!need && guarded) { window.removeEventListener("beforeunload", warn); guarded = false; }
  }

  function say(text, kind) {
    if (!status) { return; }
    status.textContent = text;
    status.className = "save-status" + (kind ? " save-" + kind : "");
  }
  function clock() {
    return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function questionOf(field) {
    var fieldset = field.closest("fieldset[data-question]");
    return fieldset ? fieldset.getAttribute("data-question") : null;
  }
  function answerField(field) {
    return field.form === form && /^(q|c|na)-/.test(field.name || "");
  }

  function schedule(delay) {
    if (stopped) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { timer = null; save(); }, delay);
    guard();
  }

  function edited(event) {
    var field = event.target;
    if (!answerField(field)) { return; }
    var qid = questionOf(field);
    if (!qid) { return; }
    if (pendingSeen[qid]) { // edited again after a refusal: this edit is meant to replace what is stored
      setSeen(qid, pendingSeen[qid]);
      delete pendingSeen[qid];
    }
    dirty[qid] = true;
    var choice = field.type === "radio" || field.type === "checkbox" || field.type === "date";
    if (event.type === "input" && choice) { return; } // the change event follows
    if (event.type === "input") { schedule(TYPING_DELAY); return; }
    // A choice, or a text field left: save soon; at once for a choice that shows or hides follow-ups.
    schedule(choice && !field.closest("fieldset[data-affects]") ? CHOICE_DELAY * 2 : CHOICE_DELAY);
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", edited);

  function setSeen(qid, token) {
    var input = form.querySelector("input[name='seen-" + CSS.escape(qid) + "']");
    if (input) { input.value = token; }
  }

  function fieldsOf(fieldset) {
    return Array.prototype.filter.call(fieldset.querySelectorAll("input, textarea, select"), answerField);
  }

  function showError(qid, message) {
    var fieldset = document.getElementById("q-" + qid);
    if (!fieldset) { return false; }
    var box = fieldset.querySelector("[data-error]");
    var id = "err-" + qid;
    fieldset.classList.toggle("has-error", Boolean(message));
    if (box) { box.textContent = message || ""; box.hidden = !message; }
    fieldsOf(fieldset).forEach(function (field) {
      var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) { return x && x !== id; });
      if (message) { ids.push(id); field.setAttribute("aria-invalid", "true"); }
      else { field.removeAttribute("aria-invalid"); }
      if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); }
      else { field.removeAttribute("aria-describedby"); }
    });
    return !fieldset.hidden;
  }

  function showQuestions(shown) {
    var asked = {};
    shown.forEach(function (qid) { asked[qid] = true; });
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question]"), function (fieldset) {
      var show = Boolean(asked[fieldset.getAttribute("data-question")]);
      if (fieldset.hidden === !show) { return; }
      fieldset.hidden = !show;
      fieldset.disabled = !show; // a hidden question sends nothing, as without the script
    });
  }

  function progress(data) {
    if (typeof data.answered !== "number") { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-answered]"), function (el) { el.textContent = data.answered; });
    Array.prototype.forEach.call(document.querySelectorAll("[data-asked]"), function (el) { el.textContent = data.asked; });
    Array.prototype.forEach.call(document.querySelectorAll("progress[data-progress]"), function (el) {
      el.max = data.asked; el.value = data.answered; el.textContent = data.answered + " of " + data.asked;
    });
  }

  function settle(code, data, sent) {
    if (data.seen) {
      Object.keys(data.seen).forEach(function (qid) {
        if (data.errors && data.errors[qid]) { pendingSeen[qid] = data.seen[qid]; } else { setSeen(qid, data.seen[qid]); }
      });
    }
    if (data.shown) { showQuestions(data.shown); }
    progress(data);
    if (code === 200 || (code === 400 && data.errors)) {
      Object.keys(sent).forEach(function (qid) { delete refused[qid]; });
      Object.keys(refused).forEach(function (qid) { if (!(data.errors || {})[qid]) { delete refused[qid]; } });
      Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question].has-error"), function (fs) {
        var qid = fs.getAttribute("data-question");
        if (!(data.errors || {})[qid]) { showError(qid, ""); }
      });
      var errors = data.errors || {};
      var ids = Object.keys(errors);
      ids.forEach(function (qid) {
        refused[qid] = errors[qid];
        if (!showError(qid, errors[qid])) { delete refused[qid]; } // not on the page: nothing here to keep
      });
      if (!ids.length) {
        say("Saved " + clock());
      } else if (ids.length === 1) {
        var text = (data.texts || {})[ids[0]] || "";
        say("Not saved: " + (text ? "“" + text + "”: " : "") + errors[ids[0]] + " Your other answers were saved " + clock() + ".", "error");
      } else {
        say("Not saved: " + ids.length + " answers need correcting (see the messages by the questions). Your other answers were saved " + clock() + ".", "error");
      }
      return;
    }
    Object.keys(sent).forEach(function (qid) { dirty[qid] = true; }); // nothing was saved: still to do
    var reason = data.message || "the server could not save just now.";
    if (code === 429) {
      say("Not saved yet: " + reason, "error");
      setTimeout(function () { schedule(0); }, (data.retry || 30) * 1000);
    } else if (code >= 400 && code < 500) {
      stopped = true; // a closed link or an expired page: more tries cannot help
      say("Not saved: " + reason, "error");
    } else {
      say("Not saved: " + reason + " Trying again shortly.", "error");
      setTimeout(function () { schedule(0); }, 10000);
    }
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (inFlight) { again = true; return inFlight; }
    if (stopped || (!has(dirty) && !has(refused))) { guard(); return Promise.resolve(); }
    var sent = dirty;
    dirty = {};
    var slow = setTimeout(function () { say("Saving…"); }, 800); // quick saves go by without a word
    inFlight = fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { settle(response.status, data, sent); });
    }, function () {
      Object.keys(sent).forEach(function (qid) { dirty[qid] = true; });
      say("Not saved: no connection to the server. Trying again shortly.", "error");
      setTimeout(function () { schedule(0); }, 10000);
    }).then(function () {
      clearTimeout(slow);
      inFlight = null;
      if (again) { again = false; if (has(dirty)) { return save(); } }
      guard();
    });
    guard();
    return inFlight;
  }

  // Everything typed is saved before the page is left through a link, a button of the form or an upload.
  function flush() {
    return Promise.resolve(inFlight).then(function () { return has(dirty) || timer !== null ? save() : null; })
      .then(function () { return inFlight; });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey || link.target || link.hasAttribute("download")) { return; }
    var to = new URL(link.href, location.href);
    if (to.origin !== location.origin || (to.pathname === location.pathname && to.hash)) { return; }
    if (!unsaved() || stopped) { return; }
    event.preventDefault();
    flush().then(function () { location.href = link.href; }); // still unsaved (refused)? the browser asks
  });

  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (target !== form && !target.hasAttribute("data-upload")) { return; }
    if (passing === target) { passing = null; }
    else if (inFlight || (target !== form && (timer !== null || has(dirty)))) {
      event.preventDefault();
      var submitter = event.submitter;
      flush().then(function () { passing = target; target.requestSubmit(submitter); });
      return;
    }
    if (target === form) { // the form posts every answer itself
      clearTimeout(timer);
      timer = null;
      dirty = {};
      refused = {};
    }
    guard();
  }, true);
})();
