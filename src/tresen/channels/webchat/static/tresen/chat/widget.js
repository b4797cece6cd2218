/*! Tresen live chat widget. Talks to the server as described in webchat/PROTOCOL.md. */
(() => {
  'use strict';

  const script = document.currentScript ||
    document.querySelector('script[data-key][src*="/chat/widget.js"]');
  // A second copy of the script on the same page must not build a second widget.
  if (!script || !script.dataset.key || document.getElementById('tresen-chat')) return;

  const KEY = script.dataset.key;
  const BASE = new URL(script.src, location.href).origin;
  const API = `${BASE}/chat/api/${encodeURIComponent(KEY)}/`;
  const TOKEN_KEY = `tresen-chat:${KEY}`;
  const MUTE_KEY = `${TOKEN_KEY}:muted`;
  const READ_KEY = `${TOKEN_KEY}:read`; // highest agent message id the visitor has seen
  const ext = window.TresenChat && typeof window.TresenChat === 'object'
    ? window.TresenChat : (window.TresenChat = {});
  // Errors where sending the same thing again cannot help.
  const FINAL = new Set(['too_long', 'not_an_image', 'too_large', 'bad_request']);
  const noop = () => {};

  const TEXT = {
    de: {
      open: 'Chat öffnen', close: 'Chat schließen', dialog: s => `Chat mit ${s}`,
      messages: 'Nachrichten', message: 'Nachricht', placeholder: 'Nachricht schreiben…',
      send: 'Senden', attach: 'Bild anhängen', mute: 'Ton aus',
      transcript: 'Verlauf per E-Mail senden',
      queue: n => `Sie sind Nr. ${n} in der Warteschlange`, answering: a => `${a} antwortet Ihnen`,
      typing: a => `${a} schreibt…`, team: 'Das Team',
      offline: 'Gerade ist niemand im Chat. Wir antworten so bald wie möglich.',
      reconnecting: 'Verbindung wird wiederhergestellt…',
      pending: 'wird gesendet', delivered: 'zugestellt', read: 'gelesen', failed: 'nicht gesendet',
      retry: 'Erneut senden',
      guest: 'Ihr Kundenkonto konnte nicht bestätigt werden; Sie chatten als Gast.',
      blocked: 'Der Chat ist auf dieser Website nicht verfügbar.',
      error: 'Das hat leider nicht geklappt. Bitte versuchen Sie es erneut.',
      intro: 'Bevor es losgeht:', name: 'Name', email: 'E-Mail-Adresse', next: 'Weiter',
      replyTo: 'Wir antworten per E-Mail an:', save: 'Speichern', saved: e => `Wir antworten an ${e}`,
      sendTo: 'Verlauf senden an:', cancel: 'Abbrechen', sent: e => `Verlauf an ${e} gesendet`,
      needName: 'Bitte geben Sie Ihren Namen an.',
      needEmail: 'Bitte geben Sie Ihre E-Mail-Adresse an.',
      badEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse an.',
      empty: 'Es gibt noch keine Nachrichten.',
      tooLong: n => `Die Nachricht ist zu lang (höchstens ${n} Zeichen).`,
      notImage: 'Bitte wählen Sie eine Bilddatei aus.',
      tooLarge: s => `Das Bild ist zu groß (höchstens ${s}).`,
      unread: n => (n === 1 ? '1 ungelesene Nachricht' : `${n} ungelesene Nachrichten`),
      newMessage: 'Neue Nachricht', dismiss: 'Hinweis schließen', image: 'Bild',
      // The server's error messages are English; German visitors get these instead.
      codes: {
        too_long: 'Die Nachricht ist zu lang.', not_an_image: 'Die Datei ist kein Bild.',
        too_large: 'Das Bild ist zu groß.', invalid_email: 'Diese E-Mail-Adresse ist ungültig.',
        invalid_token: 'Die Sitzung ist abgelaufen.', rate_limited: 'Zu viele Nachrichten auf einmal; bitte kurz warten.',
      },
    },
    en: {
      open: 'Open chat', close: 'Close chat', dialog: s => `Chat with ${s}`,
      messages: 'Messages', message: 'Message', placeholder: 'Write a message…',
      send: 'Send', attach: 'Attach image', mute: 'Mute sound',
      transcript: 'Email me the transcript',
      queue: n => `You are number ${n} in the queue`, answering: a => `${a} is answering you`,
      typing: a => `${a} is typing…`, team: 'The team',
      offline: 'Nobody is in the chat right now. We will reply as soon as we can.',
      reconnecting: 'Reconnecting…',
      pending: 'sending', delivered: 'delivered', read: 'read', failed: 'not sent',
      retry: 'Retry',
      guest: 'Your customer account could not be verified; you are chatting as a guest.',
      blocked: 'The chat is not available on this website.',
      error: 'Sorry, that did not work. Please try again.',
      intro: 'Before we start:', name: 'Name', email: 'Email address', next: 'Continue',
      replyTo: 'We will reply by email to:', save: 'Save', saved: e => `We will reply to ${e}`,
      sendTo: 'Send the transcript to:', cancel: 'Cancel', sent: e => `Transcript sent to ${e}`,
      needName: 'Please enter your name.',
      needEmail: 'Please enter your email address.',
      badEmail: 'Please enter a valid email address.',
      empty: 'There are no messages yet.',
      tooLong: n => `The message is too long (at most ${n} characters).`,
      notImage: 'Please choose an image file.',
      tooLarge: s => `The image is too large (at most ${s}).`,
      unread: n => (n === 1 ? '1 unread message' : `${n} unread messages`),
      newMessage: 'New message', dismiss: 'Dismiss', image: 'Image',
      codes: {},
    },
  };

  // Stroke icons, 24×24.
  const ICON = {
    chat: 'M21 11.5a8.4 8.4 0 0 1-12.3 7.4L3 21l2-5.4A8.4 8.4 0 1 1 21 11.5z',
    down: 'M6 9l6 6 6-6',
    close: 'M18 6 6 18M6 6l12 12',
    mail: 'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm17 2-9 6-9-6',
    sound: 'M11 5 6 9H3v6h3l5 4V5zm4.5 3.5a5 5 0 0 1 0 7m3-10a9 9 0 0 1 0 13',
    muted: 'M11 5 6 9H3v6h3l5 4V5zm11 4-6 6m0-6 6 6',
    attach: 'M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9',
    send: 'M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z',
    clock: 'M12 7v5l3 2m6-2a9 9 0 1 1-18 0 9 9 0 0 1 18 0z',
  };

  const CSS = `
:host{all:initial}
.root{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328;color-scheme:light;-webkit-font-smoothing:antialiased}
.root *{box-sizing:border-box}
[hidden]{display:none!important}
button{font:inherit;color:inherit;background:none;border:0;margin:0;padding:0;cursor:pointer}
button:disabled{cursor:default;opacity:.5}
:focus-visible{outline:2px solid var(--ring);outline-offset:2px}
svg{display:block;flex:none}
.dock{position:fixed;right:20px;bottom:20px;z-index:2147483000}
.left .dock,.left .panel{right:auto;left:20px}
.launcher{width:56px;height:56px;border-radius:50%;display:grid;place-items:center;background:var(--c);color:var(--t);box-shadow:0 4px 16px rgba(0,0,0,.24);transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid var(--ring);outline-offset:3px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#cf222e;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center;box-shadow:0 0 0 2px #fff}
.panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:370px;height:560px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);display:flex;flex-direction:column;overflow:hidden;background:#fff;border-radius:16px;box-shadow:0 12px 48px rgba(0,0,0,.24);animation:pop .2s ease-out}
@keyframes pop{from{opacity:0;transform:translateY(16px) scale(.98)}}
header{display:flex;align-items:flex-start;gap:2px;padding:14px 8px 12px 16px;background:var(--c);color:var(--t)}
header :focus-visible{outline-color:currentColor}
.title{flex:1;min-width:0}
h2{margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.status,.hours{margin:2px 0 0;font-size:13px;opacity:.92}
.hours{font-size:12px}
.ib{flex:none;width:36px;height:36px;border-radius:8px;display:grid;place-items:center}
.ib:hover{background:rgba(128,128,128,.18)}
.conn{padding:4px 12px;background:#fff8c5;color:#4d2d00;font-size:12px;text-align:center}
.log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:8px 12px 12px;display:flex;flex-direction:column}
.msg{display:flex;flex-direction:column;max-width:82%;margin-top:10px}
.msg.cont{margin-top:3px}
.in{align-self:flex-end;align-items:flex-end}
.out{align-self:flex-start;align-items:flex-start}
.author{margin:0 4px 2px;font-size:12px;color:#57606a}
.cont .author{display:none}
.bubble{padding:8px 12px;border-radius:12px;overflow-wrap:anywhere}
.in .bubble{background:var(--c);color:var(--t);border-bottom-right-radius:4px}
.out .bubble{background:#eff1f3;color:#1f2328;border-bottom-left-radius:4px}
.bubble a{color:inherit;text-decoration:underline}
.bubble img{display:block;max-width:100%;max-height:240px;border-radius:8px}
.file{display:flex;align-items:center;gap:4px}
.pic{display:block;margin:2px 0}
.meta{display:flex;align-items:center;gap:4px;margin:2px 4px 0;font-size:11px;color:#656d76}
.system{align-self:center;align-items:center;max-width:90%}
.system .bubble{background:none;padding:2px 8px;color:#57606a;font-size:12px;text-align:center}
.failed .bubble{opacity:.65}
.failed .tick,.why{color:#cf222e}
.why{margin:2px 4px 0;font-size:12px;text-align:right}
.why button{margin-left:6px;font-weight:600;text-decoration:underline}
.typing{padding:0 16px 6px;font-size:12px;color:#57606a}
.notices{padding:0 12px}
.notice{display:flex;align-items:flex-start;gap:4px;margin:0 0 8px;padding:4px 4px 4px 10px;border-radius:8px;background:#ddf4ff;color:#0a3069;font-size:13px}
.notice.err{background:#ffebe9;color:#82071e}
.notice span{flex:1;padding:3px 0}
.notice .ib{width:24px;height:24px}
.form{display:grid;gap:8px;padding:10px 12px;border-top:1px solid #e6e8eb;font-size:13px}
.form p{margin:0}
.form label{display:grid;gap:3px;font-weight:600}
.req,.ferr{color:#cf222e}
input{width:100%;padding:7px 10px;border:1px solid #8c959f;border-radius:8px;background:#fff;color:#1f2328;font:inherit;font-weight:400}
input[aria-invalid]{border-color:#cf222e}
.row{display:flex;gap:8px}
.btn,.btn2{padding:7px 14px;border-radius:8px;font-weight:600}
.btn{background:var(--c);color:var(--t)}
.btn2{border:1px solid #8c959f}
.composer{display:flex;align-items:flex-end;gap:4px;padding:8px;border-top:1px solid #e6e8eb}
.composer .ib{color:#57606a}
textarea{flex:1;min-height:36px;max-height:120px;padding:8px 6px;border:0;border-radius:8px;resize:none;background:none;color:#1f2328;font:inherit}
.send{flex:none;width:36px;height:36px;border-radius:50%;display:grid;place-items:center;background:var(--c);color:var(--t)}
@media (max-width:480px){.panel,.left .panel{inset:0;width:100vw;height:100vh;height:100dvh;max-width:none;max-height:none;border-radius:0}.open .dock{display:none}textarea,input{font-size:16px}}
@media (prefers-reduced-motion:reduce){.panel{animation:none}.launcher{transition:none}}
`;

  // Storage may be blocked (privacy modes, sandboxed frames): keep a memory copy too.
  const memory = new Map();
  function load(k) {
    try {
      const v = localStorage.getItem(k);
      if (v !== null) return v;
    } catch (e) { /* fall back to memory */ }
    return memory.has(k) ? memory.get(k) : null;
  }
  function save(k, v) {
    if (v == null) memory.delete(k); else memory.set(k, String(v));
    try {
      if (v == null) localStorage.removeItem(k); else localStorage.setItem(k, v);
    } catch (e) { /* the memory copy serves this page view */ }
  }

  let lang, t, cfg, pc;
  let token = load(TOKEN_KEY), visitor = null, socketPath = `/ws/chat/${encodeURIComponent(KEY)}/`;
  let guest = false, sessionP = null, renewed = false, stopped = null;
  let ws = null, ready = false, attempt = 0, retryTimer, retryFn, pingTimer, lastEvent = 0;
  const seen = new Set();
  const byId = new Map(), byClient = new Map();
  const outbox = new Map(); // client_id -> {text, failed}: unacknowledged messages
  const later = []; // contact/transcript frames waiting for the socket
  let maxOut = 0, readUpTo = 0, sentRead = 0, unread = 0;
  const cur = {state: 'online', position: null, agent: null, notice: ''};
  let knownEmail = null, emailPending = false, visitorName = '';
  let prechatDone = false, askTranscript = false, formMode = '', formKey = null;
  let isOpen = false, openSoon = false, atBottom = true, touched = false;
  let muted = load(MUTE_KEY) === '1';
  let typingSentAt = 0, typingIdle, agentTypingTimer, titleTimer, savedTitle, audio, lastBeep = 0;
  let root, wrap, launcher, badge, panel, statusEl, hoursEl, connEl, log, greetingEl, typingEl;
  let noticesEl, formEl, input, sendBtn, attachBtn, fileIn, muteBtn;

  ext.open = () => (panel ? setOpen(true) : (openSoon = true));
  ext.close = () => (panel ? close() : (openSoon = false));

  // ---- DOM helpers ----

  function h(tag, attrs = {}, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else if (v != null && v !== false) el.setAttribute(k, v);
    }
    el.append(...kids.filter(k => k != null && k !== false));
    return el;
  }

  function icon(d, size = 20) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    const attrs = {
      viewBox: '0 0 24 24', width: size, height: size, fill: 'none', stroke: 'currentColor',
      'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
      'aria-hidden': 'true', focusable: 'false',
    };
    for (const k in attrs) svg.setAttribute(k, attrs[k]);
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
    return svg;
  }

  function iconButton(label, d, onclick, attrs) {
    return h('button', {type: 'button', class: 'ib', 'aria-label': label, title: label, onclick, ...attrs}, icon(d));
  }

  // Text on the brand colour: white or near-black, whichever contrasts more (WCAG luminance).
  function colours(hex) {
    const full = hex.length === 4 ? hex.replace(/\w/g, c => c + c) : hex;
    const [r, g, b] = [1, 3, 5].map(i => {
      const c = parseInt(full.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const onWhite = 1.05 / (lum + 0.05);
    return {text: onWhite >= (lum + 0.05) / 0.0556 ? '#fff' : '#111', ring: onWhite >= 3 ? hex : '#1f2328'};
  }

  // ---- UI ----

  function build() {
    const host = h('div', {id: 'tresen-chat'});
    host.style.setProperty('all', 'initial');
    root = host.attachShadow({mode: 'open'});
    const colour = /^#([0-9a-f]{3}){1,2}$/i.test(cfg.color) ? cfg.color : '#1d4e5f';
    const {text, ring} = colours(colour);
    wrap = h('div', {class: cfg.position === 'left' ? 'root left' : 'root', onkeydown: e => {
      if (e.key === 'Escape' && isOpen) { e.stopPropagation(); close(true); }
    }});
    wrap.style.setProperty('--c', colour);
    wrap.style.setProperty('--t', text);
    wrap.style.setProperty('--ring', ring);

    launcher = h('button', {
      type: 'button', class: 'launcher', 'data-tresen': 'launcher', 'aria-label': t.open,
      'aria-expanded': 'false', 'aria-controls': 'tresen-panel',
      onclick: () => (isOpen ? close(true) : setOpen(true)),
    }, icon(ICON.chat, 26));
    badge = h('span', {class: 'badge', id: 'tresen-badge', 'data-tresen': 'badge', role: 'img', hidden: true});

    statusEl = h('p', {class: 'status', 'data-tresen': 'status'});
    hoursEl = h('p', {class: 'hours', hidden: true});
    muteBtn = iconButton(t.mute, muted ? ICON.muted : ICON.sound, toggleMute, {'aria-pressed': String(muted)});
    connEl = h('div', {class: 'conn', 'data-tresen': 'connection', role: 'status', hidden: true}, t.reconnecting);
    log = h('div', {
      class: 'log', 'data-tresen': 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages, tabindex: '0',
      onscroll: () => { atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40; },
    });
    if (cfg.greeting) {
      greetingEl = h('div', {class: 'msg out greeting', 'data-tresen': 'greeting'},
        h('div', {class: 'author'}, cfg.shop_name), appendText(h('div', {class: 'bubble'}), cfg.greeting));
      log.append(greetingEl);
    }
    typingEl = h('div', {class: 'typing', 'data-tresen': 'typing', hidden: true});
    noticesEl = h('div', {class: 'notices', 'aria-live': 'polite'});
    formEl = h('form', {class: 'form', novalidate: true, hidden: true, onsubmit: e => { e.preventDefault(); submitForm(); }});

    input = h('textarea', {
      'data-tresen': 'input', rows: '1', placeholder: t.placeholder, 'aria-label': t.message,
      oninput: onType,
      onkeydown: e => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendText(); }
      },
    });
    fileIn = h('input', {
      type: 'file', accept: 'image/*', 'data-tresen': 'file', hidden: true, tabindex: '-1', 'aria-label': t.attach,
      onchange: () => {
        const file = fileIn.files[0];
        fileIn.value = '';
        if (file) upload(file);
      },
    });
    attachBtn = iconButton(t.attach, ICON.attach, () => fileIn.click());
    sendBtn = h('button', {type: 'submit', class: 'send', 'data-tresen': 'send', 'aria-label': t.send, title: t.send}, icon(ICON.send, 18));

    panel = h('div', {
      id: 'tresen-panel', class: 'panel', 'data-tresen': 'panel', role: 'dialog',
      'aria-label': t.dialog(cfg.shop_name), hidden: true,
    },
    h('header', {},
      h('div', {class: 'title'}, h('h2', {}, cfg.shop_name), statusEl, hoursEl),
      iconButton(t.transcript, ICON.mail, transcript, {'data-tresen': 'transcript'}),
      muteBtn,
      iconButton(t.close, ICON.close, () => close(true))),
    connEl, log, typingEl, noticesEl, formEl,
    h('form', {class: 'composer', onsubmit: e => { e.preventDefault(); sendText(); }}, fileIn, attachBtn, input, sendBtn));

    wrap.append(h('div', {class: 'dock'}, launcher, badge), panel);
    // Constructed sheets are not blocked by a shop's CSP like an inline <style> would be.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.append(h('style', {}, CSS));
    }
    root.append(wrap);
    document.body.append(host);
  }

  function setOpen(open) {
    if (open === isOpen) return;
    isOpen = open;
    panel.hidden = !open;
    wrap.classList.toggle('open', open);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.replaceChildren(icon(open ? ICON.down : ICON.chat, 26));
    if (!open) return;
    start().catch(noop);
    scrollEnd();
    input.focus();
    receipts();
  }

  function close(focusLauncher) {
    const inside = panel.contains(root.activeElement);
    setOpen(false);
    if (focusLauncher || inside) launcher.focus();
  }

  function toggleMute() {
    muted = !muted;
    save(MUTE_KEY, muted ? '1' : '0');
    muteBtn.setAttribute('aria-pressed', String(muted));
    muteBtn.replaceChildren(icon(muted ? ICON.muted : ICON.sound));
  }

  function scrollEnd() {
    log.scrollTop = log.scrollHeight;
    atBottom = true;
  }

  function autoGrow() {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  function updateStatus() {
    const {state, position, agent} = cur;
    statusEl.textContent = stopped
      || (state === 'busy' && position ? t.queue(position)
        : state === 'assigned' && agent ? t.answering(agent)
          : cur.notice || (state === 'offline' ? t.offline : ''));
    const hours = state === 'offline' && Array.isArray(cfg.hours) ? cfg.hours.join(' · ') : '';
    hoursEl.textContent = hours;
    hoursEl.hidden = !hours;
  }

  function updateBadge() {
    badge.hidden = !unread;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.setAttribute('aria-label', t.unread(unread));
    if (unread) launcher.setAttribute('aria-describedby', 'tresen-badge');
    else launcher.removeAttribute('aria-describedby');
  }

  function setConn(down) {
    connEl.hidden = !down;
  }

  // Errors stay longer; "keep" ones (guest mode, chat blocked) until dismissed.
  function notice(text, error, keep) {
    for (const n of [...noticesEl.children]) if (n.firstChild.textContent === text) n.remove();
    const n = h('div', {class: error ? 'notice err' : 'notice', 'data-tresen': 'notice', role: error ? 'alert' : null},
      h('span', {}, text), iconButton(t.dismiss, ICON.close, () => n.remove()));
    noticesEl.append(n);
    if (!keep) setTimeout(() => n.remove(), error ? 12000 : 6000);
  }

  function stop(text) {
    stopped = text;
    for (const el of [input, sendBtn, attachBtn]) el.disabled = true;
    setConn(false);
    notice(text, true, true);
    updateStatus();
  }

  function errorText(code, message) {
    return (lang === 'de' && t.codes[code]) || message || t.error;
  }

  // ---- Message rendering (never innerHTML: all server and visitor text goes in as text nodes) ----

  function appendText(parent, text) {
    String(text).split(/\r?\n/).forEach((line, i) => {
      if (i) parent.append(h('br'));
      const re = /https?:\/\/[^\s<>"]+/gi;
      let last = 0;
      let match;
      while ((match = re.exec(line))) {
        const url = trimUrl(match[0]);
        const href = safeHref(url);
        parent.append(line.slice(last, match.index),
          href ? h('a', {href, target: '_blank', rel: 'noopener noreferrer nofollow'}, url) : url);
        last = match.index + url.length;
      }
      parent.append(line.slice(last));
    });
    return parent;
  }

  // Punctuation after a link belongs to the sentence; ")" only if the link has no "(" for it.
  function trimUrl(url) {
    while (/[.,;:!?'")\]]$/.test(url)) {
      if (url.endsWith(')') && url.split('(').length >= url.split(')').length) break;
      url = url.slice(0, -1);
    }
    return url;
  }

  function safeHref(url) {
    try {
      const u = new URL(url);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // Attachments only from our own file endpoint, never a URL the message could point elsewhere.
  function fileHref(url) {
    if (typeof url !== 'string' || !url.startsWith('/chat/api/')) return null;
    try {
      const u = new URL(url, BASE);
      return u.origin === BASE ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function size(bytes) {
    return bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB`
      : `${(bytes / 1048576).toLocaleString(lang, {maximumFractionDigits: 1})} MB`;
  }

  function attachment(a) {
    const href = fileHref(a.url);
    const name = a.name || t.image;
    if (href && /^image\//.test(a.content_type || '')) {
      return h('a', {class: 'pic', href, target: '_blank', rel: 'noopener noreferrer'},
        h('img', {src: href, alt: name, loading: 'lazy', onload: () => atBottom && scrollEnd()}));
    }
    const label = a.size ? `${name} (${size(a.size)})` : name;
    return href ? h('a', {class: 'file', href, target: '_blank', rel: 'noopener noreferrer'}, icon(ICON.attach, 16), label)
      : h('span', {class: 'file'}, icon(ICON.attach, 16), label);
  }

  function clock(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return '';
    const opts = {hour: '2-digit', minute: '2-digit'};
    if (d.toDateString() !== new Date().toDateString()) Object.assign(opts, {day: 'numeric', month: 'short'});
    return d.toLocaleString(undefined, opts);
  }

  function renderMessage(m, state) {
    const mine = m.direction === 'in';
    const system = m.author_kind === 'system';
    const el = h('div', {
      class: `msg ${mine ? 'in' : 'out'}${system ? ' system' : ''}`, 'data-tresen': 'message',
      'data-direction': mine ? 'in' : 'out', 'data-id': m.id, 'data-client-id': m.client_id,
      'data-author': mine ? null : m.author || '',
    });
    if (!mine && !system && m.author) el.append(h('div', {class: 'author'}, m.author));
    const bubble = h('div', {class: 'bubble'});
    if (m.text) appendText(bubble, m.text);
    for (const a of m.attachments || []) bubble.append(attachment(a));
    el.append(bubble, h('div', {class: 'meta'}, h('time', {datetime: m.created_at}, clock(m.created_at))));
    if (mine) setState(el, state || (m.id <= readUpTo ? 'read' : 'delivered'));
    return el;
  }

  function setState(el, state) {
    el.dataset.state = state;
    el.classList.toggle('failed', state === 'failed');
    const meta = el.querySelector('.meta');
    const old = meta.querySelector('.tick');
    if (old) old.remove();
    const label = t[state];
    meta.append(h('span', {class: 'tick', role: 'img', 'aria-label': label, title: label},
      state === 'pending' ? icon(ICON.clock, 12) : state === 'read' ? '✓✓' : state === 'failed' ? '!' : '✓'));
    if (state !== 'failed') {
      const why = el.querySelector('.why');
      if (why) why.remove();
    }
  }

  // Messages stay in id order; pending ones (no id yet) stay at the end.
  function place(el, id) {
    let ref = null;
    if (id != null) {
      for (const n of log.children) {
        if (n.dataset.id ? +n.dataset.id > id : n.dataset.state === 'pending' || n.dataset.state === 'failed') {
          ref = n;
          break;
        }
      }
    }
    log.insertBefore(el, ref);
    const prev = el.previousElementSibling;
    el.classList.toggle('cont', !!prev && prev.dataset.direction === el.dataset.direction &&
      prev.dataset.author === el.dataset.author);
    if (atBottom || el.dataset.direction === 'in') scrollEnd();
  }

  // Shows a message once, whichever of ack, own event or another tab's event comes first.
  function addMessage(m) {
    if (!m || m.id == null || byId.has(m.id)) return false;
    const old = m.client_id && byClient.get(m.client_id);
    if (m.client_id) outbox.delete(m.client_id);
    const el = renderMessage(m);
    byId.set(m.id, el);
    if (m.client_id) byClient.set(m.client_id, el);
    if (old) old.remove();
    place(el, m.id);
    if (m.direction === 'out') maxOut = Math.max(maxOut, m.id);
    else updateForm(); // the pre-chat form is only for the first message
    return true;
  }

  function addPending(m) {
    const el = renderMessage({...m, direction: 'in', created_at: new Date().toISOString()}, 'pending');
    byClient.set(m.client_id, el);
    place(el, null);
    updateForm();
  }

  function fail(clientId, text, retry) {
    const el = byClient.get(clientId);
    if (!el || el.dataset.id) return;
    setState(el, 'failed');
    const old = el.querySelector('.why');
    if (old) old.remove();
    el.append(h('div', {class: 'why', role: 'alert'}, text,
      retry && h('button', {type: 'button', onclick: () => { setState(el, 'pending'); retry(); }}, t.retry)));
  }

  function markRead(upTo) {
    readUpTo = Math.max(readUpTo, upTo);
    for (const [id, el] of byId) {
      if (id <= readUpTo && el.dataset.direction === 'in' && el.dataset.state !== 'read') setState(el, 'read');
    }
  }

  // ---- Sending ----

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const x = Array.from(b, v => v.toString(16).padStart(2, '0')).join('');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  }

  function send(frame) {
    if (!ready) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  function sendOrQueue(frame) {
    if (send(frame)) return;
    later.push(frame);
    start().catch(noop);
  }

  function flush(clientId) {
    const entry = outbox.get(clientId);
    if (entry && !entry.failed) send({type: 'message', client_id: clientId, text: entry.text});
  }

  function sendText() {
    const text = input.value.trim();
    if (!text || stopped) return;
    if (formMode === 'prechat' && !submitForm()) return;
    const max = cfg.max_text || 5000;
    if ([...text].length > max) {
      notice(t.tooLong(max), true);
      return;
    }
    const clientId = uuid();
    outbox.set(clientId, {text, failed: false});
    addPending({client_id: clientId, text});
    input.value = '';
    autoGrow();
    stopTyping();
    start().catch(noop);
    flush(clientId);
  }

  function upload(file) {
    if (formMode === 'prechat' && !submitForm()) return;
    if (!/^image\//.test(file.type)) {
      notice(t.notImage, true);
      return;
    }
    const max = cfg.max_image_bytes || 10485760;
    if (file.size > max) {
      notice(t.tooLarge(size(max)), true);
      return;
    }
    const clientId = uuid();
    addPending({client_id: clientId, attachments: [{name: file.name, size: file.size}]});
    const go = async () => {
      try {
        await start();
        const body = new FormData();
        body.append('token', token);
        body.append('client_id', clientId);
        body.append('file', file);
        const {message} = await api('upload', body);
        message.client_id = message.client_id || clientId;
        addMessage(message);
      } catch (e) {
        fail(clientId, errorText(e.code, e.server), FINAL.has(e.code) ? null : go);
      }
    };
    go();
  }

  // Typing: "active" at most every 3 s while typing, "inactive" after 4 s idle or on send.
  function onType() {
    autoGrow();
    clearTimeout(typingIdle);
    if (!input.value.trim()) return;
    const now = Date.now();
    if (now - typingSentAt > 3000 && send({type: 'typing', active: true})) typingSentAt = now;
    typingIdle = setTimeout(stopTyping, 4000);
  }

  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSentAt) send({type: 'typing', active: false});
    typingSentAt = 0;
  }

  function agentTyping(frame) {
    clearTimeout(agentTypingTimer);
    typingEl.hidden = !frame.active;
    if (!frame.active) return;
    typingEl.textContent = t.typing(frame.name || t.team);
    agentTypingTimer = setTimeout(() => { typingEl.hidden = true; }, 6000);
  }

  // Tells the server what was seen while the chat was open in a visible tab.
  function receipts() {
    if (!isOpen || document.visibilityState !== 'visible') return;
    unread = 0;
    updateBadge();
    stopTitle();
    save(READ_KEY, maxOut);
    if (maxOut > sentRead && send({type: 'read', up_to: maxOut})) sentRead = maxOut;
  }

  // ---- Contact, pre-chat and transcript form (one at a time, above the composer) ----

  function updateForm() {
    if (!formEl) return;
    const offline = cur.state === 'offline';
    const ownMessage = !!log.querySelector('[data-direction="in"]');
    const prechat = [pc.name, pc.email].some(v => v === 'optional' || v === 'required');
    formMode = askTranscript ? 'transcript'
      : prechat && !prechatDone && !knownEmail && !ownMessage ? 'prechat'
        : offline && !knownEmail ? 'offline'
          : offline && !emailPending ? 'saved' : '';
    const key = formMode === 'saved' ? `saved:${knownEmail}` : formMode;
    if (key === formKey) return;
    formKey = key;
    formEl.hidden = !formMode;
    formEl.replaceChildren(...formContent(offline));
  }

  function field(label, attrs, required) {
    return h('label', {},
      h('span', {}, label, required && h('span', {class: 'req', 'aria-hidden': 'true'}, ' *')),
      h('input', {...attrs, required}));
  }

  function formContent(offline) {
    if (!formMode) return [];
    if (formMode === 'saved') return [h('p', {role: 'status'}, t.saved(knownEmail))];
    const kids = [];
    const ask = v => v === 'optional' || v === 'required';
    if (formMode === 'prechat') {
      kids.push(h('p', {}, t.intro));
      if (ask(pc.name)) {
        kids.push(field(t.name, {type: 'text', autocomplete: 'name', 'data-tresen': 'name', value: ext.name}, pc.name === 'required'));
      }
    }
    if (formMode !== 'prechat' || ask(pc.email) || offline) {
      const label = formMode === 'transcript' ? t.sendTo : formMode === 'offline' ? t.replyTo : t.email;
      kids.push(field(label, {type: 'email', autocomplete: 'email', 'data-tresen': 'email', value: ext.email},
        formMode !== 'prechat' || pc.email === 'required'));
    }
    kids.push(h('div', {class: 'row'},
      h('button', {type: 'submit', class: 'btn', 'data-tresen': 'email-save'},
        formMode === 'prechat' ? t.next : formMode === 'transcript' ? t.send : t.save),
      formMode === 'transcript' && h('button', {type: 'button', class: 'btn2', onclick: () => {
        askTranscript = false;
        updateForm();
        input.focus();
      }}, t.cancel)));
    return kids;
  }

  function invalid(field, text) {
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', 'tresen-ferr');
    formEl.append(h('p', {class: 'ferr', id: 'tresen-ferr', role: 'alert'}, text));
    field.focus();
    return false;
  }

  function submitForm() {
    const nameIn = formEl.querySelector('[data-tresen="name"]');
    const mailIn = formEl.querySelector('[data-tresen="email"]');
    const name = nameIn ? nameIn.value.trim() : '';
    const email = mailIn ? mailIn.value.trim() : '';
    const old = formEl.querySelector('.ferr');
    if (old) old.remove();
    for (const el of formEl.querySelectorAll('input')) el.removeAttribute('aria-invalid');
    if (nameIn && nameIn.required && !name) return invalid(nameIn, t.needName);
    if (mailIn && mailIn.required && !email) return invalid(mailIn, t.needEmail);
    if (email && mailIn.validity.typeMismatch) return invalid(mailIn, t.badEmail);
    if (formMode === 'transcript') {
      askTranscript = false;
      sendOrQueue({type: 'transcript', email});
    } else {
      prechatDone = true;
      visitorName = name || visitorName;
      if (email) {
        knownEmail = email;
        emailPending = true;
        sendOrQueue({type: 'contact', email, name: visitorName || undefined});
      }
    }
    updateForm();
    input.focus();
    return true;
  }

  function transcript() {
    if (!byId.size) {
      notice(t.empty);
      return;
    }
    if (knownEmail && !emailPending) {
      sendOrQueue({type: 'transcript'});
      return;
    }
    askTranscript = true;
    updateForm();
    formEl.querySelector('input').focus();
  }

  // ---- Notification: badge, title, sound ----

  function notify() {
    unread += 1;
    updateBadge();
    if (document.hidden || !document.hasFocus()) flashTitle();
    beep();
  }

  function flashTitle() {
    if (titleTimer) return;
    savedTitle = document.title;
    let on = false;
    const tick = () => {
      on = !on;
      document.title = on ? `(${unread}) ${t.newMessage}` : savedTitle;
    };
    tick();
    titleTimer = setInterval(tick, 1500);
  }

  function stopTitle() {
    if (!titleTimer) return;
    clearInterval(titleTimer);
    titleTimer = null;
    document.title = savedTitle;
  }

  // A soft two-step tone; browsers only allow audio after the visitor has interacted.
  function beep() {
    const now = Date.now();
    if (muted || !touched || now - lastBeep < 1500) return;
    lastBeep = now;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      audio.resume().catch(noop);
      const at = audio.currentTime;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.setValueAtTime(880, at);
      osc.frequency.exponentialRampToValueAtTime(660, at + 0.18);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.08, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.32);
    } catch (e) { /* no audio here; the badge and title still tell */ }
  }

  // ---- Server ----

  async function api(path, body) {
    const init = body instanceof FormData ? {method: 'POST', body}
      : body ? {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)}
        : undefined;
    const response = await fetch(API + path, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw Object.assign(new Error(data.message || `HTTP ${response.status}`),
        {status: response.status, code: data.error, server: data.message});
    }
    return data;
  }

  // One session request at a time; a network failure retries with backoff.
  function start() {
    if (stopped) return Promise.reject(new Error(stopped));
    return sessionP || (sessionP = openSession().then(applySession).catch(e => {
      sessionP = null;
      if (e.status && e.status < 500) notice(errorText(e.code, e.server), true);
      else {
        setConn(true);
        retryLater(() => start().catch(noop));
      }
      throw e;
    }));
  }

  async function openSession() {
    const body = {token, language: lang, page: location.href};
    if (!guest) for (const k of ['email', 'name', 'signature']) if (ext[k]) body[k] = ext[k];
    try {
      return await api('session', body);
    } catch (e) {
      if (e.code !== 'identity_signature_invalid' || guest) throw e;
      guest = true;
      notice(t.guest, true, true);
      return openSession();
    }
  }

  function applySession(s) {
    if (visitor && s.visitor !== visitor) reset();
    visitor = s.visitor;
    token = s.token;
    save(TOKEN_KEY, token);
    if (/^\/[^/]/.test(s.socket || '')) socketPath = s.socket;
    lastEvent = Math.max(lastEvent, s.last_event || 0);
    const c = s.conversation;
    knownEmail = knownEmail || (s.identified && ext.email) || s.email || (c && c.email) || null;
    if (c) {
      readUpTo = Math.max(readUpTo, c.read_up_to || 0);
      setInfo(c);
      const messages = c.messages || [];
      for (const m of messages) addMessage(m);
      if (messages.length && greetingEl) greetingEl.remove();
      // Agent replies that came while the visitor was on no page with the chat open.
      const seenUpTo = load(READ_KEY);
      if (seenUpTo === null) save(READ_KEY, maxOut);
      else unread = messages.filter(m => m.direction === 'out' && m.author_kind !== 'system' && m.id > +seenUpTo).length;
    }
    updateBadge();
    updateForm();
    receipts();
    connect();
  }

  // Another visitor now (the old token was refused): the old conversation is not theirs.
  function reset() {
    for (const el of byId.values()) el.remove();
    byId.clear();
    seen.clear();
    lastEvent = maxOut = readUpTo = sentRead = unread = 0;
    knownEmail = null;
    emailPending = false;
  }

  function setInfo(src) {
    for (const k of ['state', 'position', 'agent']) if (k in src) cur[k] = src[k];
    if (src.notice) cur.notice = src.notice;
    updateStatus();
    updateForm();
  }

  function connect() {
    if (stopped || ws || !token) return;
    const s = ws = new WebSocket(`${BASE.replace(/^http/, 'ws')}${socketPath}?token=${encodeURIComponent(token)}&after=${lastEvent}`);
    let waiting = false;
    s.onmessage = e => {
      if (s !== ws) return;
      waiting = false;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      onFrame(frame);
    };
    s.onclose = e => lost(s, e.code);
    // A ping left unanswered for a whole interval means a dead connection the browser has not noticed.
    pingTimer = setInterval(() => {
      if (!waiting) {
        waiting = send({type: 'ping'});
        return;
      }
      s.onclose = null;
      s.close();
      lost(s, 0);
    }, 25000);
  }

  function lost(s, code) {
    if (s !== ws) return;
    ws = null;
    ready = false;
    clearInterval(pingTimer);
    agentTyping({active: false});
    if (code === 4403 || code === 4404) return stop(t.blocked); // origin not allowed, unknown widget
    if (code === 4401) {
      if (renewed) return stop(t.error);
      renewed = true;
      token = null;
      save(TOKEN_KEY, null);
      sessionP = null;
      start().catch(noop);
      return;
    }
    setConn(true);
    retryLater(connect);
  }

  // Exponential backoff 0.5 s … 10 s, with jitter so a server restart is not hit by everyone at once.
  function retryLater(fn) {
    clearTimeout(retryTimer);
    const base = Math.min(10000, 500 * 2 ** attempt++);
    retryFn = fn;
    retryTimer = setTimeout(retryNow, base / 2 + Math.random() * base / 2);
  }

  function retryNow() {
    clearTimeout(retryTimer);
    const fn = retryFn;
    retryFn = null;
    if (fn) fn();
  }

  function onFrame(f) {
    switch (f.type) {
      case 'event':
        if (seen.has(f.id)) return;
        seen.add(f.id);
        lastEvent = Math.max(lastEvent, f.id);
        if (f.kind === 'message') onMessage(f.message);
        else if (f.kind === 'read') markRead(f.up_to);
        else if (f.kind === 'state') setInfo(f);
        return;
      case 'ready':
        ready = true;
        attempt = 0;
        renewed = false;
        setConn(false);
        lastEvent = Math.max(lastEvent, f.last_event || 0);
        for (const clientId of outbox.keys()) flush(clientId);
        later.splice(0).forEach(send);
        receipts();
        return;
      case 'ack':
        outbox.delete(f.client_id);
        if (f.message) addMessage({...f.message, client_id: f.message.client_id || f.client_id});
        return;
      case 'error':
        onError(f);
        return;
      case 'typing':
        agentTyping(f);
        return;
      case 'contact_saved':
        knownEmail = f.email;
        emailPending = false;
        updateForm();
        return;
      case 'transcript_sent':
        notice(t.sent(f.email));
    }
  }

  function onMessage(m) {
    if (!addMessage(m) || m.direction !== 'out') return;
    agentTyping({active: false});
    if (m.author_kind !== 'system' && !(isOpen && document.visibilityState === 'visible')) notify();
    receipts();
  }

  function onError(f) {
    const text = errorText(f.code, f.message);
    const entry = f.client_id && outbox.get(f.client_id);
    if (entry) {
      entry.failed = true;
      fail(f.client_id, text, FINAL.has(f.code) ? null : () => {
        outbox.delete(f.client_id);
        outbox.set(f.client_id, {text: entry.text, failed: false});
        flush(f.client_id);
        start().catch(noop);
      });
      return;
    }
    if (f.code === 'invalid_email' && emailPending) {
      knownEmail = null;
      emailPending = false;
      updateForm();
    }
    // bad_request without a message is a protocol slip the visitor cannot act on.
    if (f.code === 'bad_request') console.warn('Tresen chat:', f.message);
    else notice(text, true);
  }

  // ---- Start ----

  function pickLang(value) {
    return /^de/i.test(value || '') ? 'de' : 'en';
  }

  async function init() {
    if (!document.body) await new Promise(resolve => document.addEventListener('DOMContentLoaded', resolve, {once: true}));
    lang = pickLang(ext.language || document.documentElement.lang || navigator.language);
    cfg = await api(`config?lang=${lang}`);
    if (cfg.language && cfg.language !== 'auto' && pickLang(cfg.language) !== lang) {
      lang = pickLang(cfg.language); // the inbox insists on one language
      cfg = await api(`config?lang=${lang}`);
    }
    t = TEXT[lang];
    pc = cfg.prechat || {};
    cur.state = cfg.state || 'online';
    cur.notice = cfg.notice || '';
    build();
    updateStatus();
    updateForm();

    const touch = () => { touched = true; };
    addEventListener('pointerdown', touch, {capture: true, once: true});
    addEventListener('keydown', touch, {capture: true, once: true});
    addEventListener('online', () => {
      attempt = 0;
      retryNow();
    });
    addEventListener('focus', () => {
      stopTitle();
      receipts();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      attempt = 0;
      retryNow();
      receipts();
    });

    if (token) start().catch(noop); // returning visitor: history and unread count right away
    if (openSoon) setOpen(true);
  }

  init().catch(e => console.warn('Tresen chat:', e.message || e));
})();
