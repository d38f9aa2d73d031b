// The trainer's workshop page: start a workshop, push activities, watch the room answer.
// All text from the server (learners' words included) goes in with textContent only.
"use strict";
(function () {
  const BASE = document.documentElement.dataset.base || "/";
  const API = BASE + "workshop/api/";
  const SAMPLE = ["myth:msp-just-a-chat", "myth:nothing-wanted-close-case",
    "case:rosa-ferreira-keeping-paulo", "risk:chloe-late-care-visits",
    "scale:How confident are you asking a person what outcomes they want?",
    "cloud:In one word, what does a good outcome look like to the person?"];
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  let view = null;
  let said = "";  // what the screen-reader status last announced

  if (params.has("token")) {  // the operator's token signed this browser in: hide it
    params.delete("token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }

  // Changes are sent with the XSRF token the page's server set as a cookie.
  function xsrf() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("_xsrf="));
    return found ? decodeURIComponent(found.slice(6)) : "";
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function error(message) { $("error").textContent = message || ""; }

  async function api(path, options) {
    const headers = {"Content-Type": "application/json", "X-XSRFToken": xsrf()};
    const response = await fetch(API + path, Object.assign({headers, cache: "no-store"}, options));
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    if (!response.ok) {
      const failure = new Error(data.error || "The server did not answer (" + response.status + ").");
      failure.status = response.status;
      throw failure;
    }
    return data;
  }

  // starting or opening a workshop

  $("start-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    error("");
    try {
      const plan = $("plan").value.split("\n").map((l) => l.trim()).filter(Boolean);
      const data = await api("sessions", {method: "POST",
        body: JSON.stringify({title: $("title").value, plan})});
      location.search = "?code=" + encodeURIComponent(data.code);
    } catch (failure) {
      error(failure.message);
    }
  });

  function signedOut(failure) {
    if (failure.status === 401) {  // the sign-in ran out: sign in again and come back here
      location.href = BASE + "msp/sign-in?next=" + encodeURIComponent(location.pathname + location.search);
      return true;
    }
    return false;
  }

  async function begin() {
    $("sign-out").href = BASE + "msp/sign-out?next=" + encodeURIComponent(location.pathname);
    if (!code) {
      try {
        const data = await api("sessions");
        $("who").textContent = data.trainer || "";
        $("start-section").hidden = false;
        $("plan").value = SAMPLE.join("\n");
        if (data.latest) {
          const p = $("latest");
          p.append("A workshop is running: ");
          const a = el("a", "open workshop " + data.latest);
          a.href = "?code=" + encodeURIComponent(data.latest);
          p.append(a, ", or start a new one.");
        }
      } catch (failure) {
        if (!signedOut(failure)) error(failure.message);
      }
      return;
    }
    $("run-section").hidden = false;
    $("qr").src = BASE + "workshop/qr/" + encodeURIComponent(code) + ".svg";
    follow();
  }

  async function follow() {
    let wait = 500;
    for (;;) {
      try {
        const response = await fetch(API + "sessions/" + encodeURIComponent(code) + "/stream",
          {cache: "no-store"});
        if (response.status === 401) { signedOut(response); return; }
        if (response.status === 403 || response.status === 404) {
          let data = {};
          try { data = await response.json(); } catch (e) { data = {}; }
          error(data.error || "Cannot open this workshop.");
          $("run-section").hidden = true;
          return;
        }
        if (!response.ok || !response.body) throw new Error("stream " + response.status);
        $("conn").textContent = "";
        $("conn").classList.remove("lost");
        wait = 500;
        await window.mspReadEvents(response, draw);
      } catch (failure) {
        // reconnect below
      }
      $("conn").textContent = "Connection to the server lost: reconnecting…";
      $("conn").classList.add("lost");
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 5000);
    }
  }

  // the controls

  async function control(body) {
    error("");
    try {
      draw(await api("sessions/" + encodeURIComponent(code) + "/control",
        {method: "POST", body: JSON.stringify(body)}));
    } catch (failure) {
      if (!signedOut(failure)) error(failure.message);
    }
  }

  for (const button of document.querySelectorAll("#controls [data-action]")) {
    button.addEventListener("click", () => {
      const action = button.dataset.action;
      if (action === "end" && !confirm("End the workshop for everyone?")) return;
      control({action});
    });
  }

  $("export").addEventListener("click", async () => {
    error("");
    try {
      const response = await fetch(API + "sessions/" + encodeURIComponent(code) + "/export.csv",
        {cache: "no-store"});
      if (!response.ok) throw new Error("The export failed (" + response.status + ").");
      const link = el("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = "workshop-" + code + ".csv";
      document.body.append(link);
      link.click();
      link.remove();
    } catch (failure) {
      error(failure.message);
    }
  });

  async function moderate(id, status) {
    error("");
    try {
      draw(await api("sessions/" + encodeURIComponent(code) + "/moderate",
        {method: "POST", body: JSON.stringify({id, status})}));
    } catch (failure) {
      error(failure.message);
    }
  }

  // drawing

  function draw(next) {
    view = next;
    if (view.trainer) $("who").textContent = view.trainer;
    document.title = view.title + " · " + view.code + " · MSP Learn";
    $("workshop-title").textContent = view.title;
    $("join-code").textContent = view.code;
    $("join-link").textContent = view.join_url.replace(/\?code=.*$/, "");
    $("qr").alt = "QR code for the join link " + view.join_url;
    $("joined").textContent = view.joined + (view.joined === 1 ? " person has" : " people have") +
      " joined";
    const current = view.full;
    const live = view.status === "open" || view.status === "locked";
    $("lock").hidden = view.status !== "open";
    $("unlock").hidden = view.status !== "locked" || !current || current.kind === "story" ||
      view.revealed;
    $("reveal").disabled = !live || view.revealed || !(current && (current.correct ||
      current.explanation));
    $("reset").disabled = !live || !current || current.kind === "story";
    $("next").textContent = view.status === "waiting" ? "Start: push the first activity" :
      (current && current.kind === "decision" ? "Next: follow the room's choice" : "Next");
    $("next").disabled = view.status === "ended";
    $("end").disabled = view.status === "ended";
    drawPlan();
    drawStage();
    drawQueue();
    announce();
  }

  // Announce changes of activity or state only, not every incoming answer.
  function announce() {
    const a = view.full;
    const parts = [a ? a.title : (view.status === "ended" ? "Workshop ended" : "Waiting room")];
    if (a && view.status === "locked") parts.push("answers locked");
    if (view.revealed) parts.push("answer revealed");
    const text = parts.join(", ");
    if (text !== said) { said = text; $("announce").textContent = text; }
  }

  function drawPlan() {
    const list = $("plan-list");
    list.replaceChildren();
    view.plan.forEach((label, index) => {
      const item = el("li", null, index === view.position ? "current" : "");
      item.append(el("span", label + (index === view.position ? " (now)" : "") + " "));
      const button = el("button", "Push", "quiet");
      button.type = "button";
      button.setAttribute("aria-label", "Push activity " + (index + 1) + ": " + label);
      button.addEventListener("click", () => control({action: "push", index}));
      item.append(button);
      list.append(item);
    });
  }

  function drawStage() {
    const stage = $("stage");
    stage.replaceChildren();
    if (view.status === "ended") {
      stage.append(el("h2", "The workshop has ended"),
        el("p", "Export the answers with Export CSV."));
      return;
    }
    const a = view.full;
    if (!a) {
      stage.append(el("h2", "Waiting room"),
        el("p", "When the room has joined, press Start to push the first activity.", "prompt"));
      return;
    }
    stage.append(el("h2", a.title), el("p", a.prompt, "prompt"));
    const t = view.tally;
    if (a.kind === "story") {
      if (view.revealed && a.explanation) stage.append(el("p", "Learning: " + a.explanation, "reveal"));
      return;
    }
    stage.append(el("p", t.answered + " of " + t.joined + " answered" +
      (view.status === "locked" ? " · answers locked" : ""), "answered"));
    if (t.withheld) {
      stage.append(el("p", "Results appear when at least 3 people have answered.", "withheld"));
    } else if (a.kind === "text") {
      drawText(stage, a, t);
    } else {
      drawBars(stage, a, t);
    }
    if (a.kind === "decision") drawBranches(stage, a);
    if (view.revealed && a.explanation) stage.append(el("p", a.explanation, "reveal"));
  }

  function drawBars(stage, a, t) {
    const list = el("ul", null, "bars");
    list.setAttribute("aria-label", "Answers so far");
    for (const bar of t.bars) {
      const share = t.answered ? Math.round((100 * bar.count) / t.answered) : 0;
      const item = el("li", null, bar.correct ? "correct" : "");
      item.dataset.value = String(bar.value);
      const label = el("span", bar.label, "label");
      const track = el("span", null, "bar");
      track.setAttribute("aria-hidden", "true");
      const fill = el("span");
      fill.style.width = share + "%";
      track.append(fill);
      const count = el("span", bar.count + " (" + share + "%)", "count");
      count.dataset.count = String(bar.count);
      item.append(label, track, count);
      list.append(item);
    }
    stage.append(list);
    if (t.mean !== null && t.mean !== undefined) stage.append(el("p", "Average: " + t.mean, "answered"));
  }

  function drawText(stage, a, t) {
    if (a.display === "cloud") {
      const cloud = el("ul", null, "cloud");
      cloud.setAttribute("aria-label", "Words used, commonest first");
      const top = t.words.length ? t.words[0][1] : 1;
      for (const [word, n] of t.words) {
        const item = el("li", word);
        item.style.fontSize = (1.2 + 2.4 * (n / top)).toFixed(2) + "rem";
        item.append(el("span", " ×" + n, "n"));
        cloud.append(item);
      }
      stage.append(cloud);
    } else {
      const list = el("ul", null, "entries");
      for (const entry of t.entries) list.append(el("li", entry.text));
      stage.append(list);
    }
    if (!t.entries.length) stage.append(el("p", "Nothing shown yet: show entries from the moderation list.", "withheld"));
    if (t.hidden) stage.append(el("p", t.hidden + " waiting for you to show them", "note"));
  }

  function drawBranches(stage, a) {
    const box = el("p", null, "note");
    box.append(view.winner ? "The room chose: " + (a.options.find((o) => o[0] === view.winner) || ["", view.winner])[1] + ". "
      : "No single choice leads (tied or no votes). ");
    box.append("Or follow: ");
    for (const [value, label] of a.options) {
      const button = el("button", label.length > 40 ? label.slice(0, 38) + "…" : label, "quiet");
      button.type = "button";
      button.title = label;
      button.addEventListener("click", () => control({action: "next", choice: value}));
      box.append(button);
    }
    stage.append(box);
  }

  function drawQueue() {
    const box = $("moderation");
    const a = view.full;
    box.hidden = !(a && a.kind === "text");
    if (box.hidden) return;
    const list = $("queue");
    list.replaceChildren();
    const waiting = view.queue.filter((q) => q.status === "hidden").length;
    $("moderation-summary").textContent = "Free-text answers: " + waiting + " waiting, " +
      (view.queue.length - waiting) + " shown";
    for (const entry of view.queue) {
      const item = el("li");
      item.dataset.id = String(entry.id);
      if (entry.flagged) item.append(el("span", "Word filter: ", "flag"));
      item.append(el("span", entry.text, "entry-text"), el("span", " · " + entry.alias + " · " +
        entry.status, "note"), document.createElement("br"));
      const actions = entry.status === "shown" ? [["hidden", "Hide"]] : [["shown", "Show"]];
      actions.push(["removed", "Remove"]);
      for (const [status, label] of actions) {
        const button = el("button", label, status === "removed" ? "quiet" : "");
        button.type = "button";
        button.dataset.status = status;
        button.addEventListener("click", () => moderate(entry.id, status));
        item.append(button);
      }
      list.append(item);
    }
  }

  begin();
})();
