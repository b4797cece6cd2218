// Live workspace: one socket per tab. Events say what changed; the page reloads that part
// from the server, so what is shown is always what the server renders, never twice.
(() => {
  const body = document.body;
  if (!body.dataset.liveAfter) return;
  const me = Number(body.dataset.agentId);
  let last = Number(body.dataset.liveAfter) || 0;
  let socket = null;
  let delay = 500;
  let viewing = null;
  const seen = new Set();
  const others = new Map(); // "kind:agent" -> {name, until}
  const timers = {};

  const later = (name, ms, fn) => {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(fn, ms);
  };
  const send = (data) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(data));
  };
  const openConversation = () => {
    const node = document.querySelector("[data-conversation-id]");
    return node ? Number(node.dataset.conversationId) : null;
  };
  const pausedNote = (paused) => {
    const note = document.querySelector("[data-live-status]");
    if (note) note.hidden = !paused;
  };

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/agents/?after=${last}`);
    socket.onopen = () => { delay = 500; pausedNote(false); announceViewing(); };
    socket.onmessage = (message) => receive(JSON.parse(message.data));
    socket.onclose = (closed) => {
      socket = null;
      if (closed.code === 4401 || closed.code === 4403) return; // logged out: no retry
      pausedNote(true);
      setTimeout(connect, delay + Math.random() * delay);
      delay = Math.min(delay * 2, 10000);
    };
  }

  function receive(frame) {
    if (frame.type === "event") {
      if (seen.has(frame.id)) return;
      seen.add(frame.id);
      if (seen.size > 5000) seen.delete(seen.values().next().value);
      last = Math.max(last, frame.id);
      if (frame.kind === "conversation") changed(frame);
    } else if (frame.type === "reset") {
      if (document.getElementById("conversation-list")) later("list", 300, refreshList);
      if (openConversation()) later("detail", 200, refreshDetail);
    } else if (frame.type === "viewing" || frame.type === "typing") {
      activity(frame);
    }
  }

  function changed(event) {
    if (document.getElementById("conversation-list")) later("list", 300, refreshList);
    const open = openConversation();
    if (open !== event.conversation_id) return;
    later("detail", 200, refreshDetail);
    if (event.change === "conversation.event_recorded") later("orders", 200, refreshOrders);
    if (event.change === "message.created" && event.direction === "in") {
      if (document.visibilityState === "visible") announceViewing(true);
      else unread(1);
    }
  }

  function refreshList() {
    if (!window.htmx) return;
    htmx.ajax("GET", location.pathname + location.search, { target: "#conversation-list", swap: "innerHTML" });
  }

  function refreshDetail() {
    if (!window.htmx || !document.getElementById("thread-live")) return;
    htmx.ajax("GET", location.pathname, { target: "#thread-live", select: "#thread-live", swap: "outerHTML" });
  }

  // The order card changes with order actions (a colleague's refund, an approval); not
  // while the agent is filling in one of its forms.
  function refreshOrders() {
    const card = document.getElementById("order-card");
    if (!window.htmx || !card || !card.dataset.src || card.contains(document.activeElement)) return;
    htmx.ajax("GET", card.dataset.src, { target: "#order-card", swap: "outerHTML" });
  }

  // Who else has this conversation open or is typing in it.
  function activity(frame) {
    if (frame.agent_id === me || frame.conversation !== openConversation()) return;
    const key = frame.who === "customer" ? "customer" : `${frame.type}:${frame.agent_id}`;
    // A colleague just opened it: tell them we are here too (they answer nobody they know).
    if (frame.type === "viewing" && frame.active && !others.has(key)) send({ type: "viewing", conversation: viewing });
    if (frame.active) others.set(key, { name: frame.name, type: frame.type, until: Date.now() + 45000 });
    else others.delete(key);
    if (frame.type === "typing" && frame.active) {
      others.get(key).until = Date.now() + 8000;
      later("activity-expiry", 8100, showActivity);
    }
    showActivity();
  }

  function showActivity() {
    const line = document.getElementById("live-activity");
    if (!line) return;
    const now = Date.now();
    for (const [key, entry] of others) if (entry.until < now) others.delete(key);
    const names = (type) => [...others.entries()]
      .filter(([key, entry]) => key !== "customer" && entry.type === type)
      .map(([, entry]) => entry.name);
    const typing = names("typing");
    const viewing = names("viewing").filter((name) => !typing.includes(name));
    const parts = [];
    if (typing.length) parts.push(line.dataset.typing.replace("{names}", typing.join(", ")));
    if (viewing.length) parts.push(line.dataset.viewing.replace("{names}", viewing.join(", ")));
    if (others.has("customer")) parts.push(line.dataset.customerTyping);
    line.textContent = parts.join(" ");
    line.hidden = parts.length === 0;
  }

  function announceViewing(again) {
    const open = openConversation();
    if (viewing && viewing !== open) send({ type: "left", conversation: viewing });
    others.clear();
    showActivity();
    viewing = open;
    if (open && (again || document.visibilityState === "visible")) send({ type: "viewing", conversation: open });
  }

  let typingSince = 0;
  document.addEventListener("input", (event) => {
    if (event.target.id !== "reply-text" || !viewing) return;
    if (Date.now() - typingSince > 3000) {
      typingSince = Date.now();
      send({ type: "typing", conversation: viewing, active: true });
    }
    later("typing", 4000, () => { typingSince = 0; send({ type: "typing", conversation: viewing, active: false }); });
  });

  document.addEventListener("submit", (event) => {
    if (!event.target.classList.contains("composer") || !typingSince) return;
    typingSince = 0;
    send({ type: "typing", conversation: viewing, active: false });
  });

  // New customer messages while the tab is in the background show in its title.
  const title = () => document.title.replace(/^\(\d+\) /, "");
  let unseen = 0;
  function unread(count) {
    unseen += count;
    document.title = `(${unseen}) ${title()}`;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    unseen = 0;
    document.title = title();
    announceViewing(true);
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target === body || event.detail.boosted) announceViewing();
  });
  setInterval(() => { send({ type: "ping" }); if (viewing) send({ type: "viewing", conversation: viewing }); }, 25000);
  connect();
})();
