/* Leling's web chat page: plain JavaScript, no build step, nothing from another origin.
   It sends what the user types or taps to POST /api/message and shows the replies as messages
   and cards; it keeps the last messages in localStorage so a reload resumes; it shows the inbox
   (reminders) at the top and polls it while the page is open; it reads replies aloud with the
   browser's own voice ("听"), or plays `audio_url` when a reply has one and the browser has no
   voice; "按住说话" records with MediaRecorder and sends the recording to POST /api/voice, and
   replies to a spoken question are read aloud at once. New replies are announced through one polite live region, one at a time, each kept
   about a second so screen readers do not skip them. */
(function () {
  "use strict";

  var UI = window.LELING_UI;
  var SHARE_LOCATION = "/share_location";
  var HISTORY_KEY = "leling.history";
  var HISTORY_MAX = 40;
  var POLL_MS = 30000;
  var ANNOUNCE_MS = 1000;

  var $ = function (id) { return document.getElementById(id); };
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  /* whose conversation this page is (a tag, not the id): another person's history is not shown */
  var who = (document.querySelector('meta[name="leling-who"]') || {}).content || "";
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var busy = false;
  var history = [];
  var liveQueue = [];
  var liveTimer = null;
  var pollTimer = null;

  function t(key) { return (UI[lang] || UI.zh)[key]; }

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: no memory */ }
  }
  function recall(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  /* Cards (chat-cards.js); a card's 提醒我 is answered like any tapped button. */
  var cards = window.LelingCards(t, el, function (card, title, payload) {
    if (busy) return false;
    choose({ title: t("remind") + "：" + title, payload: payload }, card.closest(".msg"), null);
    return true;
  });

  /* -- announcements: one at a time, each kept about a second -------------------------- */
  function announce(text) {
    if (!text) return;
    liveQueue.push(text.length > 300 ? text.slice(0, 300) + "…" : text);
    if (!liveTimer) nextAnnouncement();
  }
  function nextAnnouncement() {
    var live = $("live");
    if (!liveQueue.length) { live.textContent = ""; liveTimer = null; return; }
    live.textContent = liveQueue.shift();
    liveTimer = window.setTimeout(nextAnnouncement, ANNOUNCE_MS);
  }

  /* -- text size and language ------------------------------------------------------------ */
  function applySize(size) {
    document.documentElement.setAttribute("data-size", String(size));
    $("size-now").textContent = t("sizes")[size - 1];
  }
  function currentSize() {
    var s = parseInt(document.documentElement.getAttribute("data-size"), 10);
    return s >= 1 && s <= 3 ? s : 1;
  }

  function applyLang(newLang) {
    lang = newLang === "en" ? "en" : "zh";
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.title = lang === "en" ? "Leling 乐龄伴学" : "乐龄伴学 Leling";
    document.querySelectorAll("[data-t]").forEach(function (node) {
      node.textContent = t(node.getAttribute("data-t"));
    });
    document.querySelectorAll("[data-tp]").forEach(function (node) {
      node.setAttribute(node.getAttribute("data-tp"), t(node.getAttribute("data-tp")));
    });
    document.querySelectorAll("[data-ta]").forEach(function (node) {
      node.setAttribute("aria-label", t(node.getAttribute("data-ta")));
    });
    var other = $("lang-btn");
    other.textContent = t("other_lang");
    other.lang = t("other_lang_code") === "en" ? "en" : "zh-CN";
    applySize(currentSize());
    store("leling.lang", lang);
  }

  /* -- talking to the server --------------------------------------------------------------- */
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "X-Leling-Lang": lang },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return { error: "bad", replies: [] }; });
    });
  }

  function send(body, shown) {
    if (busy) return Promise.resolve(false);
    busy = true;
    $("thinking").hidden = false;
    $("log").setAttribute("aria-busy", "true");
    if (shown) addEntry({ role: "user", text: shown });
    return post("/api/message", body).then(showAnswer).catch(function () {
      var node = addEntry({ role: "bot", reply: { text: t("offline"), buttons: [], items: [] } }, true);
      return { ok: false, first: node };
    }).finally(function () {
      busy = false;
      $("thinking").hidden = true;
      $("log").removeAttribute("aria-busy");
    });
  }

  /* An answer of /api/message or /api/voice: its replies in the log; a reply Leling was asked
     to speak (the question was spoken, or the user chose voice) is read aloud at once. */
  function showAnswer(data) {
    if (data.lang) applyLang(data.lang);
    if (data.forgotten) forgetHere(data.csrf);
    var replies = data.replies || [];
    if (!replies.length) replies = [{ text: t("error"), buttons: [], items: [] }];
    disableAnswered();  /* the new replies' buttons are the ones to use now */
    var first = null;
    replies.forEach(function (reply, i) {
      var node = addEntry({ role: "bot", reply: reply });
      if (i === 0) first = node;
    });
    if (replies.length && replies[0].voice && first) {
      speak(replies.filter(function (r) { return r.voice; }), first.querySelector(".listen"));
    }
    if (data.inbox) checkInbox();
    return { ok: !data.error, first: first };
  }

  /* The user's data was deleted on the server: delete this device's copy too. */
  function forgetHere(newToken) {
    if (newToken) csrf = newToken;
    history = [];
    ["leling.history", "leling.nearest"].forEach(function (key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing kept */ }
    });
    document.querySelectorAll("#log .msg").forEach(function (node) { node.remove(); });
    $("call-nearest").hidden = true;
  }

  /* -- the conversation log --------------------------------------------------------------- */
  function addEntry(entry, transient) {
    var node = render(entry, true);
    $("log").appendChild(node);
    if (!transient) {
      history.push(entry);
      if (history.length > HISTORY_MAX) history = history.slice(-HISTORY_MAX);
      store(HISTORY_KEY, JSON.stringify(history));
    }
    if (entry.role !== "user") announce(speakable(entry));
    node.scrollIntoView({ block: "start" });
    return node;
  }

  function speakable(entry) {
    if (entry.role === "reminder") return t("reminder") + "：" + (entry.message.text || "");
    var r = entry.reply || {};
    return (r.text || "") + (r.note ? "\n" + r.note : "");
  }

  /* Only the newest replies' buttons can be used: those already in the log are disabled
     when new replies arrive. */
  function disableAnswered() {
    document.querySelectorAll("#log .msg-bot .buttons button:not([disabled])").forEach(function (b) {
      b.disabled = true;
    });
  }

  function render(entry, fresh) {
    if (entry.role === "user") {
      var mine = el("div", "msg msg-user");
      mine.appendChild(el("span", "label", t("you")));
      mine.appendChild(document.createTextNode(entry.text));
      return mine;
    }
    if (entry.role === "reminder") return renderReminder(entry.message);
    return renderReply(entry.reply, entry, fresh);
  }

  function renderReminder(message) {
    var node = el("article", "msg msg-bot msg-reminder");
    node.tabIndex = -1;
    node.appendChild(el("span", "label", t("reminder")));
    node.appendChild(el("p", "", message.text));
    addButtons(node, message.buttons || [], null);
    node.appendChild(listenTools({ text: message.text }));
    return node;
  }

  /* The "听" button under a message. */
  function listenTools(reply) {
    var tools = el("div", "tools");
    var listen = el("button", "btn btn-quiet listen", t("listen"));
    listen.type = "button";
    /* the name starts with the visible word (WCAG 2.5.3: label in name) */
    listen.setAttribute("aria-label", t("listen") + t("listen_label"));
    listen.addEventListener("click", function () { speak(reply, listen); });
    tools.appendChild(listen);
    return tools;
  }

  function renderReply(reply, entry, fresh) {
    var node = el("article", "msg msg-bot");
    node.tabIndex = -1;
    node.setAttribute("lang", lang === "en" ? "en" : "zh-CN");
    node.appendChild(el("span", "label", t("leling")));
    var items = (reply.items || []).filter(function (i) { return i.card; });
    var text = reply.text || "";
    if (reply.guide && reply.guide.label) {
      /* the guide card already says 第2步/共7步: not twice */
      text = text.split("\n").filter(function (l) { return l.trim() !== reply.guide.label; }).join("\n");
    }
    var lines = text.split("\n");
    if (reply.guide) node.appendChild(cards.guideCard(reply.guide));
    if (items.length && lines.length > 2) {
      /* the cards say it all; the first line leads, the full text stays one tap away */
      node.appendChild(el("p", "lead", lines[0]));
      var details = el("details");
      details.appendChild(el("summary", "", t("full_text")));
      details.appendChild(el("p", "", text));
      node.appendChild(details);
    } else {
      node.appendChild(el("p", "text", text));
    }
    if (items.length) {
      var list = el("div", "cards");
      items.forEach(function (item) { list.appendChild(cards.itemCard(item)); });
      var firstCenter = items.filter(function (i) { return i.type === "center" && i.card.tel; })[0];
      if (firstCenter && fresh) rememberNearest(firstCenter.card);
      node.appendChild(list);
    }
    if (reply.note) node.appendChild(el("p", "note", reply.note));
    addButtons(node, (reply.buttons || []).filter(function (b) { return !b.in_card; }), entry);
    node.appendChild(listenTools(reply));
    if (entry && entry.chosen) markChosen(node, entry.chosen);
    return node;
  }

  function addButtons(node, buttons, entry) {
    if (!buttons.length) return;
    var group = el("div", "buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("options"));
    buttons.forEach(function (b) {
      if (b.call) {  /* a tap-to-call button (96110, 120): a tel: link, not a message */
        var link = el("a", "btn btn-main btn-call", b.title);
        link.href = "tel:" + String(b.call).replace(/[^0-9]/g, "");
        group.appendChild(link);
        return;
      }
      var btn = el("button", "btn btn-main", b.title);
      btn.type = "button";
      btn.setAttribute("data-choice", b.payload);
      btn.addEventListener("click", function () { choose(b, node, entry); });
      group.appendChild(btn);
    });
    node.appendChild(group);
  }

  function markChosen(node, title) {
    node.querySelectorAll(".buttons button").forEach(function (b) {
      b.disabled = true;
      if (b.textContent === title) {
        b.classList.add("chosen");
        b.textContent = "✓ " + title;
      }
    });
    if (!node.querySelector(".chosen-text")) {
      var said = el("p", "chosen-text", t("chosen") + title);
      var group = node.querySelector(".buttons");
      if (group) group.parentNode.insertBefore(said, group.nextSibling);
    }
  }

  function choose(button, node, entry) {
    if (busy) return;
    if (button.payload === SHARE_LOCATION) { shareLocation(); return; }
    markChosen(node, button.title);
    if (entry) { entry.chosen = button.title; store(HISTORY_KEY, JSON.stringify(history)); }
    send({ payload: button.payload }, null).then(focusReply);
  }

  function focusReply(result) {
    if (result && result.first) result.first.focus({ preventScroll: true });
  }

  /* The first center of the newest list is the nearest to where the user is (or said): its
     phone stays one tap away in the top bar. */
  function rememberNearest(card) {
    var nearest = { tel: card.tel, name: card.title, phone: card.phone };
    store("leling.nearest", JSON.stringify(nearest));
    showNearest(nearest);
  }

  function showNearest(nearest) {
    if (!nearest || !nearest.tel) return;
    var a = $("call-nearest");
    a.href = nearest.tel;
    a.querySelector("span").textContent = t("call_nearest") + " " + nearest.name;
    a.hidden = false;
  }

  /* -- reading aloud ------------------------------------------------------------------------ */
  function voiceFor(code) {
    if (!("speechSynthesis" in window)) return null;
    var want = code === "en" ? "en" : "zh";
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf(want) === 0) return voices[i];
    }
    return null;
  }

  /* Read one reply (or several, one after another) aloud: the browser's own voice first, at
     its normal rate (older listeners follow normal-rate speech best), else the server's
     recording (`audio_url`, docs/voice.md). */
  function speak(reply, button) {
    var list = Array.isArray(reply) ? reply : [reply];
    var voice = voiceFor(lang);
    if (voice) {
      window.speechSynthesis.cancel();
      list.forEach(function (r) {
        var u = new window.SpeechSynthesisUtterance((r.text || "") + (r.note ? "\n" + r.note : ""));
        u.voice = voice;
        u.lang = voice.lang;
        window.speechSynthesis.speak(u);
      });
      return;
    }
    var urls = list.map(function (r) { return r.audio_url; }).filter(Boolean);
    if (urls.length) {
      var play = function (i) {
        if (i >= urls.length) return;
        var a = new window.Audio(urls[i]);
        a.onended = function () { play(i + 1); };
        a.play().catch(function () { announce(t("no_voice")); });
      };
      play(0);
      return;
    }
    if (!button) return;
    var note = button.parentNode.querySelector(".no-voice");
    if (!note) button.parentNode.insertBefore(el("p", "no-voice", t("no_voice")), button);
    announce(t("no_voice"));
  }

  /* -- hold to talk ------------------------------------------------------------------------ */
  var recorder = null;
  var holding = false;
  var chunks = [];
  var talkTimer = null;
  var MAX_TALK_MS = 59000;

  function canRecord() {
    return !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  }

  function sayHere(key) {
    addEntry({ role: "bot", reply: { text: t(key), buttons: [], items: [] } }, true);
  }

  function startTalk() {
    if (busy || recorder || holding) return;
    holding = true;
    if (!canRecord()) { holding = false; sayHere("no_mic"); return; }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      recorder = new window.MediaRecorder(stream);
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        var type = recorder.mimeType || "audio/webm";
        recorder = null;
        sendRecording(new window.Blob(chunks, { type: type }));
      };
      recorder.start();
      $("talk-btn").classList.add("recording");
      $("talk-btn").textContent = t("release");
      talkTimer = window.setTimeout(stopTalk, MAX_TALK_MS);
      if (!holding) stopTalk();  /* let go before the microphone was ready */
    }).catch(function () {
      holding = false;
      sayHere("mic_denied");
    });
  }

  function stopTalk() {
    holding = false;
    window.clearTimeout(talkTimer);
    $("talk-btn").classList.remove("recording");
    $("talk-btn").textContent = t("talk");
    if (recorder && recorder.state !== "inactive") recorder.stop();
  }

  function sendRecording(blob) {
    busy = true;
    $("thinking").textContent = t("listening");
    $("thinking").hidden = false;
    $("log").setAttribute("aria-busy", "true");
    return fetch("/api/voice", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": blob.type || "audio/webm", "X-CSRF-Token": csrf, "X-Leling-Lang": lang },
      body: blob
    }).then(function (r) {
      return r.json().catch(function () { return { error: "bad", replies: [] }; });
    }).then(function (data) {
      addEntry({ role: "user", text: data.heard || t("voice_msg") });
      return showAnswer(data);
    }).catch(function () {
      sayHere("offline");
    }).finally(function () {
      busy = false;
      $("thinking").hidden = true;
      $("thinking").textContent = t("thinking");
      $("log").removeAttribute("aria-busy");
    });
  }

  function setUpTalk() {
    var btn = $("talk-btn");
    btn.addEventListener("pointerdown", function (ev) {
      ev.preventDefault();
      try { btn.setPointerCapture(ev.pointerId); } catch (e) { /* no pointer to capture */ }
      startTalk();
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      btn.addEventListener(name, function () { if (holding || recorder) stopTalk(); });
    });
    btn.addEventListener("contextmenu", function (ev) { ev.preventDefault(); });
    /* keyboard: hold Space or Enter */
    btn.addEventListener("keydown", function (ev) {
      if ((ev.key === " " || ev.key === "Enter") && !ev.repeat) { ev.preventDefault(); startTalk(); }
    });
    btn.addEventListener("keyup", function (ev) {
      if (ev.key === " " || ev.key === "Enter") { ev.preventDefault(); stopTalk(); }
    });
  }

  /* -- location ------------------------------------------------------------------------------ */
  function shareLocation() {
    if (busy) return;
    if (!("geolocation" in navigator) || !window.isSecureContext) {
      addEntry({ role: "bot", reply: { text: t("loc_unavailable"), buttons: [], items: [] } }, true);
      return;
    }
    announce(t("loc_asking"));
    navigator.geolocation.getCurrentPosition(function (pos) {
      send({ location: { lat: pos.coords.latitude, lon: pos.coords.longitude } }, t("send_location"))
        .then(focusReply);
    }, function (err) {
      var key = err && err.code === 1 ? "loc_denied" : "loc_unavailable";
      addEntry({ role: "bot", reply: { text: t(key), buttons: [], items: [] } }, true);
    }, { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 });
  }

  /* -- the inbox ------------------------------------------------------------------------------- */
  function checkInbox() {
    return fetch("/api/inbox", { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.json() : { messages: [] };
    }).then(function (data) {
      var messages = data.messages || [];
      if (!messages.length) return;
      var box = $("inbox");
      var list = $("inbox-list");
      list.textContent = "";
      messages.forEach(function (m) {
        list.appendChild(renderReminder(m));
        history.push({ role: "reminder", message: { text: m.text, buttons: m.buttons || [] } });
      });
      history = history.slice(-HISTORY_MAX);
      store(HISTORY_KEY, JSON.stringify(history));
      $("inbox-title").textContent = t("inbox_title").replace("{n}", String(messages.length));
      box.hidden = false;
      announce($("inbox-title").textContent + "：" + messages.map(function (m) { return m.text; }).join("；"));
      var last = messages[messages.length - 1].id;
      return post("/api/inbox/ack", { up_to: last });
    }).catch(function () { /* offline: the next poll tries again */ });
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = window.setInterval(function () {
      if (document.visibilityState === "visible") checkInbox();
    }, POLL_MS);
  }

  /* -- start ----------------------------------------------------------------------------------- */
  function restore() {
    var kept = recall("leling.who");
    if (who && kept !== who) {
      /* signed in as someone else (a WeChat link on a shared phone): not their history */
      if (kept !== null) forgetHere(null);
      store("leling.who", who);
    }
    try { history = JSON.parse(recall(HISTORY_KEY) || "[]") || []; } catch (e) { history = []; }
    if (!Array.isArray(history)) history = [];
    var log = $("log");
    history.forEach(function (entry) { log.appendChild(render(entry)); });
    var last = log.querySelector(".msg-bot:last-of-type");
    document.querySelectorAll(".msg-bot .buttons").forEach(function (group) {
      if (!last || !last.contains(group)) {
        group.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }
    });
    if (log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "start" });
    return history.length > 0;
  }

  function init() {
    var saved = parseInt(recall("leling.size") || "1", 10);
    applySize(saved >= 1 && saved <= 3 ? saved : 1);
    var savedLang = recall("leling.lang");
    applyLang(savedLang || lang);
    showNearest(JSON.parse(recall("leling.nearest") || "null"));

    $("size-btn").addEventListener("click", function () {
      var next = currentSize() % 3 + 1;
      applySize(next);
      store("leling.size", String(next));
      announce(t("size_is") + t("sizes")[next - 1]);
    });
    $("lang-btn").addEventListener("click", function () {
      var want = t("other_lang_code");
      send({ payload: '/set_lang{"lang":"' + want + '"}' }, null).then(focusReply);
    });
    document.querySelectorAll(".always [data-payload]").forEach(function (b) {
      b.addEventListener("click", function () {
        send({ payload: b.getAttribute("data-payload") }, b.textContent).then(focusReply);
      });
    });
    $("loc-btn").addEventListener("click", shareLocation);
    setUpTalk();
    $("inbox-close").addEventListener("click", function () {
      $("inbox").hidden = true;
      $("input").focus();
    });
    var input = $("input");
    function submit() {
      var text = input.value.trim();
      if (!text || busy) return;
      if (text.length > 500) { announce(t("too_long")); return; }
      send({ text: text }, text).then(function (result) {
        if (result && result.ok !== false) input.value = "";
        input.focus();
      });
    }
    $("composer").addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
    input.addEventListener("keydown", function (ev) {
      /* Enter sends; Shift+Enter is a new line; Enter that ends an IME composition does not */
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        submit();
      }
    });

    var params = new URLSearchParams(window.location.search);
    var start = params.get("start");
    var resumed = restore();
    if (start) {
      window.history.replaceState(null, "", window.location.pathname);
      send({ start: start, lang: lang }, null);
    } else if (!resumed) {
      send({ payload: "/start", lang: savedLang || lang }, null);
    }
    checkInbox();
    startPolling();
    if ("speechSynthesis" in window) window.speechSynthesis.getVoices();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
