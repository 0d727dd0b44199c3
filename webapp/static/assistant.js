// The assistant as a dialog on every page. Without this file the help button is a link to the
// assistant's own page, which works without JavaScript.
"use strict";

(function () {
  const dialog = document.getElementById("desk-dialog");
  const opener = document.querySelector("[data-assistant-open]");
  const template = document.getElementById("desk-template");
  if (!dialog || !opener || !template || typeof dialog.showModal !== "function") return;

  let ready = false;
  opener.addEventListener("click", (event) => {
    event.preventDefault();
    if (!ready) {
      dialog.appendChild(template.content.cloneNode(true));
      setUp();
      ready = true;
    }
    dialog.showModal();
    dialog.dispatchEvent(new Event("desk-open"));
  });

  function setUp() {
    const data = dialog.dataset;
    const log = dialog.querySelector(".desk-log");
    const askForm = dialog.querySelector(".desk-ask");
    const question = askForm.querySelector("textarea");
    const actions = dialog.querySelector(".desk-actions");
    const contact = dialog.querySelector(".desk-contact");
    const rating = dialog.querySelector(".desk-rating");
    const caring = data.caring === "1";
    const KEY = "desk-conversation";
    let conversation = null;
    let shown = new Set();
    let poll = null;

    try { conversation = window.localStorage.getItem(KEY); } catch (e) { conversation = null; }

    const authorName = { learner: data.you, assistant: data.assistant, staff: data.staff, system: data.desk };

    function speak(text) {
      if (!caring || !("speechSynthesis" in window) || !text) return;
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = data.lang;
      utterance.rate = 0.9;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    }

    // Every text is set with textContent: what people typed is never parsed as HTML.
    function addMessage(author, text, sources, key, quiet) {
      if (key && shown.has(key)) return;
      if (key) shown.add(key);
      const item = document.createElement("li");
      item.className = "desk-message desk-" + author;
      const who = document.createElement("p");
      who.className = "desk-author";
      who.textContent = authorName[author] || author;
      item.appendChild(who);
      String(text || "").split("\n\n").forEach((paragraph) => {
        const p = document.createElement("p");
        p.textContent = paragraph;
        item.appendChild(p);
      });
      if (sources && sources.length) {
        const list = document.createElement("ul");
        list.className = "desk-sources";
        sources.forEach((source) => {
          const li = document.createElement("li");
          const link = document.createElement("a");
          link.href = source.url;
          link.textContent = source.title;
          li.appendChild(link);
          list.appendChild(li);
        });
        item.appendChild(list);
      }
      log.appendChild(item);
      item.scrollIntoView({ block: "nearest" });
      if (author !== "learner" && !quiet) speak(text);
    }

    // A conversation (or the learner's latest) as JSON, or null when it cannot be read.
    function getJson(path) {
      return fetch(data.base + path, {
        credentials: "same-origin",
        headers: { "X-CSRFToken": data.csrf },
      }).then((response) => (response.ok ? response.json() : null));
    }

    function post(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
        body: JSON.stringify(body),
      }).then((response) => response.json().then((json) => ({ ok: response.ok, json })));
    }

    function remember(id) {
      conversation = id;
      try { window.localStorage.setItem(KEY, id); } catch (e) { /* private mode: this page only */ }
    }

    // Why it went to a person (when this question sent it there), then when to expect an answer.
    function showWait(wait, reason) {
      if (!wait) return;
      const parts = [];
      if (reason) parts.push(reason);
      else if (wait.open_now) parts.push(data.handed);
      if (!wait.open_now) parts.push(data.closed);
      if (wait.open_now && wait.expected) parts.push(wait.expected);
      parts.push(data.hours.replace("{hours}", wait.office_hours));
      addMessage("system", parts.join(" "));
      contact.hidden = false;
      startPolling();
    }

    function handle(result) {
      if (!result.ok) {
        addMessage("system", (result.json.error && result.json.error.message) || data.error);
        return;
      }
      const reply = result.json;
      remember(reply.conversation_id);
      if (reply.answer) {
        addMessage("assistant", reply.answer, reply.sources);
        actions.hidden = false;
      } else {
        actions.hidden = true;
      }
      if (reply.handed_off) showWait(reply.wait, reply.handoff_message);
    }

    function ask(text) {
      text = text.trim();
      if (!text) return;
      addMessage("learner", text);
      post(data.ask, { question: text, conversation_id: conversation, page: window.location.pathname })
        .then(handle)
        .catch(() => addMessage("system", data.error));
    }

    function refresh() {
      if (!conversation) return;
      getJson("conversations/" + encodeURIComponent(conversation))
        .then((json) => {
          if (!json) return;
          json.messages.forEach((m) => {
            if (m.author === "staff") addMessage("staff", m.text, m.sources, "m" + m.id);
          });
          rating.hidden = !json.can_rate;
          if (json.status === "resolved" || json.status === "bot") stopPolling();
        })
        .catch(() => {});
    }

    function startPolling() {
      if (!poll) poll = window.setInterval(refresh, (Number(data.poll) || 10) * 1000);
    }

    function stopPolling() {
      if (poll) window.clearInterval(poll);
      poll = null;
    }

    // History so far: messages of an earlier page are shown once when the dialog opens.
    function loadHistory() {
      if (log.childElementCount) return;
      if (!conversation) {
        // A signed-in learner's conversation follows them to any device.
        getJson("conversations/latest")
          .then((json) => {
            if (json && json.conversation_id && !conversation) {
              remember(json.conversation_id);
              loadHistory();
            }
          })
          .catch(() => {});
        return;
      }
      getJson("conversations/" + encodeURIComponent(conversation))
        .then((json) => {
          if (!json) { conversation = null; return; }
          // Earlier messages are shown, not read aloud again.
          json.messages.forEach((m) => addMessage(m.author, m.text, m.sources, "m" + m.id, true));
          rating.hidden = !json.can_rate;
          if (json.status === "waiting" || json.status === "claimed") startPolling();
        })
        .catch(() => {});
    }

    dialog.addEventListener("desk-open", () => {
      loadHistory();
      question.focus();
    });
    dialog.querySelector("[data-assistant-close]").addEventListener("click", () => {
      dialog.close();
      if ("speechSynthesis" in window) window.speechSynthesis.cancel();
      opener.focus();
    });
    askForm.addEventListener("submit", (event) => {
      event.preventDefault();
      ask(question.value);
      question.value = "";
    });
    dialog.querySelectorAll("[data-question]").forEach((button) => {
      button.addEventListener("click", () => ask(button.dataset.question));
    });
    dialog.querySelector("[data-not-helpful]").addEventListener("click", () => {
      if (!conversation) return;
      actions.hidden = true;
      post(data.base + "conversations/" + encodeURIComponent(conversation) + "/not-helpful", {})
        .then(handle)
        .catch(() => addMessage("system", data.error));
    });
    contact.addEventListener("submit", (event) => {
      event.preventDefault();
      const email = contact.querySelector("input").value;
      post(data.base + "conversations/" + encodeURIComponent(conversation) + "/contact", { email })
        .then((result) => {
          if (!result.ok) addMessage("system", result.json.error.message);
          else contact.hidden = true;
        });
    });
    rating.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = rating.querySelector("input:checked");
      if (!chosen) return;
      post(data.base + "conversations/" + encodeURIComponent(conversation) + "/rating", { rating: Number(chosen.value) })
        .then((result) => {
          rating.hidden = true;
          addMessage("system", result.ok ? data.thanks : result.json.error.message);
        });
    });
  }
})();
