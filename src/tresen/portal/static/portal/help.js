/* Help centre: search suggestions as you type (ARIA combobox) and the feedback box.
   No dependencies; without JavaScript both forms simply submit. */
(function () {
  "use strict";
  var DELAY_MS = 150;
  var MAX_SUGGESTIONS = 5;
  var MIN_CHARS = 2;

  // The API escapes the text and adds only <mark>: keep exactly that, whatever arrives.
  function snippetNodes(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createDocumentFragment();
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function setUpSuggestions(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector("[role=listbox]");
    var status = form.querySelector("[data-status]");
    if (!input || !list) return;
    var lang = form.dataset.lang;
    var root = form.dataset.helpRoot;
    var timer = null;
    var request = null;
    var options = [];
    var active = -1;
    var shownFor = "";

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function isOpen() { return !list.hidden; }

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }

    function highlight(index) {
      active = index;
      options.forEach(function (option, i) {
        option.el.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].el.id);
        options[index].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var option = options[index];
      if (!option) return;
      close();
      if (option.url) {
        window.location.assign(option.url);
      } else if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }

    function announce(count) {
      if (!status) return;
      var text = count === 0 ? form.dataset.msgNone
        : count === 1 ? form.dataset.msgOne
        : form.dataset.msgMany.replace("{n}", String(count));
      status.textContent = text || "";
    }

    function option(index, url) {
      var li = document.createElement("li");
      li.id = list.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("mousemove", function () { if (active !== index) highlight(index); });
      li.addEventListener("click", function () { choose(index); });
      options.push({ el: li, url: url });
      return li;
    }

    function render(hits, query) {
      list.textContent = "";
      options = [];
      active = -1;
      hits.slice(0, MAX_SUGGESTIONS).forEach(function (hit) {
        var url = root + hit.language + "/a/" + encodeURIComponent(hit.id) + "/";
        var li = option(options.length, url);
        var title = document.createElement("span");
        title.className = "s-title";
        title.textContent = hit.title;
        if (hit.language !== lang) {
          li.lang = hit.language;
          var badge = document.createElement("span");
          badge.className = "badge";
          badge.textContent = hit.language.toUpperCase();
          title.appendChild(document.createTextNode(" "));
          title.appendChild(badge);
        }
        li.appendChild(title);
        if (hit.snippet) {
          var snippet = document.createElement("span");
          snippet.className = "s-snippet";
          snippet.appendChild(snippetNodes(hit.snippet));
          li.appendChild(snippet);
        }
        list.appendChild(li);
      });
      var count = options.length;
      if (count) {
        var all = option(options.length, null);
        all.className = "s-all";
        all.textContent = (form.dataset.msgAll || "").replace("{q}", query);
        list.appendChild(all);
      }
      shownFor = query;
      announce(count);
      if (count) {
        open();
      } else {
        close();
      }
    }

    function fetchSuggestions(query) {
      if (request) request.abort();
      request = window.AbortController ? new AbortController() : null;
      var url = form.dataset.suggest + "?" + new URLSearchParams({
        q: query, lang: lang, limit: String(MAX_SUGGESTIONS), typing: "1"
      });
      // Without cookies: a signed-in agent gets the customers' view here too.
      fetch(url, { credentials: "omit", headers: { Accept: "application/json" },
                   signal: request ? request.signal : undefined })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (hits) {
          if (input.value.trim() === query) render(Array.isArray(hits) ? hits : [], query);
        })
        .catch(function () { /* aborted or offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        if (request) request.abort();
        options = [];
        list.textContent = "";
        shownFor = "";
        close();
        return;
      }
      timer = window.setTimeout(function () { fetchSuggestions(query); }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = options.length;
      switch (event.key) {
        case "ArrowDown":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) { open(); highlight(0); return; }
          highlight(active + 1 >= count ? 0 : active + 1);
          break;
        case "ArrowUp":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) { open(); highlight(count - 1); return; }
          highlight(active <= 0 ? count - 1 : active - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("focus", function () {
      if (options.length && input.value.trim() === shownFor) open();
    });
    input.addEventListener("blur", close);
  }

  function setUpFeedback() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var box = form.closest && form.closest("[data-feedback]");
      if (!box || !window.fetch || form.dataset.sending) return;
      event.preventDefault();
      var data = new FormData(form);
      var submitter = event.submitter;
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      form.dataset.sending = "1";
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.text();
        })
        .then(function (html) {
          var template = document.createElement("template");
          template.innerHTML = html;
          var fresh = template.content.querySelector("[data-feedback]");
          if (!fresh) throw new Error("no feedback box");
          box.replaceWith(fresh);
          fresh.focus();
        })
        .catch(function () {
          // Fall back to an ordinary post, keeping the chosen answer.
          if (submitter && submitter.name) {
            var hidden = document.createElement("input");
            hidden.type = "hidden";
            hidden.name = submitter.name;
            hidden.value = submitter.value;
            form.appendChild(hidden);
          }
          form.submit();
        });
    });
  }

  function start() {
    document.querySelectorAll("form[data-suggest]").forEach(setUpSuggestions);
    setUpFeedback();
    // A form sent back with errors: the list of them is read first.
    var errors = document.getElementById("error-summary");
    if (errors) errors.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
