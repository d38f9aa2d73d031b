// The learner's workshop page: join with a code and a name, then follow the trainer.
// All text from the server goes in with textContent, never as HTML.
"use strict";
(function () {
  const BASE = document.documentElement.dataset.base || "/";
  const API = BASE + "workshop/api/";
  const SAVED = "msp-workshop";
  const $ = (id) => document.getElementById(id);
  let me = null;      // {code, secret, pending: {run, value, key} | null}
  let view = null;    // the latest learner view from the server
  let drawn = "";     // what the activity area shows, to keep a half-typed answer
  let streamId = 0;
  let account = null; // the name the learner is signed in to the kit as, if they are

  function load() {
    try { return JSON.parse(localStorage.getItem(SAVED) || "null"); } catch (e) { return null; }
  }
  function save() { if (me) localStorage.setItem(SAVED, JSON.stringify(me)); }
  function forget() { me = null; localStorage.removeItem(SAVED); }
  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function connection(text, lost) {
    $("conn").textContent = text;
    $("conn").classList.toggle("lost", !!lost);
  }

  async function api(path, options) {
    const headers = {"Content-Type": "application/json"};
    if (me && me.secret) headers["X-Workshop-Secret"] = me.secret;
    const response = await fetch(API + path, Object.assign({headers, cache: "no-store"}, options));
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const error = new Error(data.error || "The server did not answer (" + response.status + ").");
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // joining

  $("join").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("join-error").textContent = "";
    $("join-button").disabled = true;
    try {
      const code = $("code").value;
      const data = await api("join", {method: "POST",
        body: JSON.stringify({code, alias: $("alias").value})});
      me = {code: data.view.code, secret: data.secret, pending: null};
      account = data.account || null;
      save();
      enter(data.view);
    } catch (error) {
      $("join-error").textContent = error.status ? error.message :
        "Could not reach the workshop: check your connection and try again.";
    } finally {
      $("join-button").disabled = false;
    }
  });

  // linking the alias to the learner's own account: only when they tick the box

  $("link-me").addEventListener("change", async () => {
    const box = $("link-me");
    const want = box.checked;
    box.disabled = true;
    $("link-status").textContent = "Saving…";
    try {
      const data = await api("link", {method: "POST",
        body: JSON.stringify({code: me.code, link: want})});
      draw(data);
      $("link-status").textContent = want
        ? "Linked: your answers in this workshop count in your own progress and CPD record."
        : "Not linked: this workshop is not in your own progress.";
    } catch (error) {
      box.checked = !want;
      $("link-status").textContent = error.status ? error.message :
        "Could not reach the workshop: check your connection and try again.";
    } finally {
      box.disabled = false;
    }
  });

  function drawLink() {
    const signedIn = !!account;
    $("link-box").hidden = !signedIn;
    $("link-hint").hidden = signedIn || !view || view.status === "ended";
    $("link-sign-in").href = BASE + "msp/sign-in?next=" +
      encodeURIComponent(location.pathname + "?code=" + (view ? view.code : ""));
    if (signedIn && view) {
      $("link-me").checked = !!view.linked;
      $("link-label").textContent = "Count my answers in my own progress (your account: " +
        account + "). The trainer still sees only " + (view.alias || "your alias") + ".";
    }
  }

  $("leave").addEventListener("click", () => {
    forget();
    streamId += 1;
    showJoin("");
  });

  function showJoin(message) {
    $("room").hidden = true;
    $("join").hidden = false;
    $("heading").textContent = "Join the workshop";
    $("join-error").textContent = message || "";
    connection("");
  }

  function enter(first) {
    $("join").hidden = true;
    $("room").hidden = false;
    draw(first);
    follow();
  }

  // following the trainer (server-sent events read with fetch, reconnecting for ever)

  async function follow() {
    const mine = ++streamId;
    let wait = 500;
    while (mine === streamId && me) {
      try {
        const response = await fetch(API + "stream?code=" + encodeURIComponent(me.code),
          {headers: {"X-Workshop-Secret": me.secret}, cache: "no-store"});
        if (response.status === 401 || response.status === 404) {
          let data = {};
          try { data = await response.json(); } catch (e) { data = {}; }
          forget();
          showJoin(data.error || "That workshop is no longer running: join again.");
          return;
        }
        if (!response.ok || !response.body) throw new Error("stream " + response.status);
        connection("Connected");
        wait = 500;
        await window.mspReadEvents(response, draw, () => mine === streamId);
      } catch (error) {
        // fall through to reconnect
      }
      if (mine !== streamId || !me) return;
      connection("Connection lost: reconnecting…", true);
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
      wait = Math.min(wait * 2, 5000);
    }
  }

  // answering: the key is made here, so a resend after a lost reply is counted once

  function answer(value) {
    me.pending = {run: view.run, value, key: newKey()};
    save();
    $("answer-status").textContent = "Sending…";
    send();
  }

  async function send() {
    const pending = me && me.pending;
    if (!pending) return;
    try {
      const data = await api("answer", {method: "POST",
        body: JSON.stringify({code: me.code, value: pending.value, key: pending.key})});
      if (me.pending && me.pending.key === pending.key) { me.pending = null; save(); }
      $("answer-error").textContent = "";
      draw(data);
    } catch (error) {
      if (error.status) {  // the server said no (closed, invalid): say why, do not retry
        if (me.pending && me.pending.key === pending.key) { me.pending = null; save(); }
        $("answer-error").textContent = error.message;
        $("answer-status").textContent = "";
      } else {
        $("answer-status").textContent = "Not sent yet: trying again…";
        setTimeout(() => { if (me && me.pending && me.pending.key === pending.key) send(); }, 1500);
      }
    }
  }

  // drawing

  function draw(next) {
    view = next;
    if (next.account !== undefined) account = next.account || null;
    drawLink();
    $("heading").textContent = view.title;
    $("who").textContent = "You are " + (view.alias || "") + " · code " + view.code;
    const pending = me && me.pending;
    if (pending && (pending.run !== view.run || view.status !== "open")) {
      me.pending = null; save();
    } else if (pending && view.mine === pending.value) {
      me.pending = null; save();
    } else if (pending) {
      send();  // an answer given before a reload or a lost connection: same key, counted once
    }
    const a = view.activity;
    const key = [view.run, view.status, view.revealed, JSON.stringify(view.mine)].join("|");
    if (key === drawn) return;
    const box = $("activity");
    const typed = box.querySelector("textarea");
    const keepText = typed && drawn.split("|")[0] === String(view.run) ? typed.value : null;
    drawn = key;
    box.replaceChildren();
    $("answer-error").textContent = "";
    $("answer-status").textContent = "";
    if (view.status === "ended") {
      box.append(el("h2", "The workshop has ended", null), el("p", "Thank you for taking part."));
      return;
    }
    if (!a) {
      box.append(el("h2", "You're in"), el("p", "Waiting for the trainer's first question…"));
      return;
    }
    const title = el("h2", a.title);
    title.id = "activity-title";
    box.append(title, el("p", a.prompt, "prompt"));
    const open = view.status === "open";
    if (a.kind === "myth" || a.kind === "decision" || a.kind === "risk") {
      const list = el("ul", null, "options");
      for (const [value, label] of a.options) {
        const item = el("li");
        const button = el("button", label);
        button.type = "button";
        button.dataset.value = value;
        button.setAttribute("aria-pressed", String(view.mine === value));
        button.disabled = !open;
        button.addEventListener("click", () => answer(value));
        item.append(button);
        list.append(item);
      }
      box.append(list);
    } else if (a.kind === "scale") {
      const [low, high, lowLabel, highLabel] = a.scale;
      const group = el("div", null, "scale");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "From " + low + " (" + lowLabel + ") to " + high +
        " (" + highLabel + ")");
      for (let n = low; n <= high; n++) {
        const button = el("button", n);
        button.type = "button";
        button.dataset.value = String(n);
        button.setAttribute("aria-pressed", String(view.mine === n));
        button.disabled = !open;
        button.addEventListener("click", () => answer(n));
        group.append(button);
      }
      const ends = el("p", null, "scale-ends");
      ends.append(el("span", low + " = " + lowLabel), el("span", high + " = " + highLabel));
      box.append(group, ends);
    } else if (a.kind === "text") {
      const form = el("form");
      const label = el("label", "Your answer (up to 280 characters)");
      label.htmlFor = "text-answer";
      const area = el("textarea");
      area.id = "text-answer";
      area.maxLength = 280;
      area.rows = 3;
      area.value = keepText !== null ? keepText : (view.mine || "");
      area.disabled = !open;
      const button = el("button", view.mine ? "Send again" : "Send");
      button.type = "submit";
      button.disabled = !open;
      form.append(label, area, button);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (area.value.trim()) answer(area.value);
        else $("answer-error").textContent = "Type an answer before sending it.";
      });
      box.append(form);
    }
    if (view.mine !== null && view.mine !== undefined && a.kind !== "story") {
      const label = a.options && a.options.length
        ? (a.options.find((o) => o[0] === view.mine) || [null, view.mine])[1] : view.mine;
      $("answer-status").textContent = "Your answer: " + label +
        (open ? " (you can change it until the trainer closes answers)" : "");
    }
    if (!open && a.kind !== "story") box.append(el("p", "Answers are closed.", "closed"));
    if (view.revealed) {
      const reveal = el("div", null, "reveal");
      if (a.correct) {
        const right = (a.options.find((o) => o[0] === a.correct) || [null, a.correct])[1];
        reveal.append(el("h3", "The answer: " + right));
      }
      if (a.explanation) reveal.append(el("p", a.explanation));
      box.append(reveal);
    }
  }

  // start: come back to the workshop after a reload, or fill in the code from the link

  const typed = new URLSearchParams(location.search).get("code");
  const saved = load();
  if (typed) $("code").value = typed.toUpperCase();
  if (saved && saved.secret && (!typed || typed.toUpperCase() === saved.code)) {
    me = saved;
    api("me?code=" + encodeURIComponent(me.code)).then(enter).catch((error) => {
      if (error.status === 401 || error.status === 404) {
        forget();
        showJoin(error.message);
      } else {
        $("join").hidden = true;
        $("room").hidden = false;
        follow();
      }
    });
  }
})();
