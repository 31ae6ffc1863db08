// Talking to an advisor: booking a slot (video, in store, phone) in the shopper's time zone, the
// instant queue with position and wait, the advisor console (today's bookings, live queue with
// claim), and the call page (own and remote video, mute, camera off, hang up, product cards
// pushed by the advisor with "add to cart", notes after the call).
import { api } from "../api.js";
import { ensureCart, readCart } from "../cart.js";
import { h, replace } from "../dom.js";
import { addMessages, formatDateTime, formatLocale, language, localized, t, timeZone } from "../i18n.js";
import { navigate } from "../router.js";
import { staffSession } from "../session.js";
import { alertBox, colourLabel, field, money, problemMessage, setFieldError, showFieldErrors, status } from "../ui.js";

const BOOKINGS_KEY = "vitrine.bookings";

function wsUrl(path) {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}

function bookingToken(id) {
  try {
    return JSON.parse(localStorage.getItem(BOOKINGS_KEY) || "{}")[id] || null;
  } catch {
    return null;
  }
}

function rememberBooking(id, token) {
  const all = JSON.parse(localStorage.getItem(BOOKINGS_KEY) || "{}");
  all[id] = token;
  localStorage.setItem(BOOKINGS_KEY, JSON.stringify(all));
}

/** What lets this tab join a call as the shopper (the queue or booking token). */
function rememberCall(sessionId, credentials) {
  sessionStorage.setItem(`vitrine.call.${sessionId}`, JSON.stringify(credentials));
}

function callCredentials(sessionId) {
  try {
    return JSON.parse(sessionStorage.getItem(`vitrine.call.${sessionId}`));
  } catch {
    return null;
  }
}

function minutes(seconds) {
  return Math.max(1, Math.round(seconds / 60));
}

function dayLabel(iso) {
  return new Intl.DateTimeFormat(formatLocale(), { weekday: "long", day: "numeric", month: "long", timeZone: timeZone() }).format(new Date(iso));
}

function timeLabel(iso) {
  return new Intl.DateTimeFormat(formatLocale(), { hour: "2-digit", minute: "2-digit", timeZone: timeZone() }).format(new Date(iso));
}

// ---- Booking and the queue (shopper) ----------------------------------------------------------

function queueSection() {
  const name = field(t("consult.your_name"), h("input", { name: "shopper_name", autocomplete: "given-name", maxlength: 200 }));
  const lang = field(t("consult.language"), h("select", { name: "language" },
    ["fr", "en"].map((code) => h("option", { value: code, selected: code === language() }, t(`lang.${code}`)))));
  const message = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, t("consult.queue_join"));
  return h("form", {
    class: "card form queue-join",
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      replace(message, status());
      try {
        const joined = await api("/api/consult/queue", {
          method: "POST", body: { language: lang.input.value, mode: "video", shopper_name: name.input.value.trim() },
        });
        sessionStorage.setItem(`vitrine.queue.${joined.entry_id}`, joined.token);
        navigate(`/file/${joined.entry_id}`);
      } catch (error) {
        const kind = (error.problem?.type || "").split("/").pop();
        if (kind === "queue-closed") {
          replace(message, h("div", { class: "alert", role: "alert" }, h("p", {}, t("problem.queue_closed")),
            (error.problem.next_slots || []).length
              ? h("p", {}, t("consult.next_slots", { slots: error.problem.next_slots.map((slot) => formatDateTime(slot.starts_at || slot)).join(", ") }))
              : null));
        } else replace(message, alertBox(problemMessage(error)));
      } finally {
        submit.disabled = false;
      }
    },
  }, h("h2", {}, t("consult.now_title")), h("p", {}, t("consult.now_lead")), name.wrap, lang.wrap, message, submit);
}

function bookingSection(searchParams) {
  const modeName = "booking-mode";
  const modes = ["video", "in_store", "phone"].map((mode, i) =>
    h("label", { class: "choice" }, h("input", { type: "radio", name: modeName, value: mode, checked: i === 0 }), ` ${t(`mode.${mode}`)}`));
  const lang = field(t("consult.language"), h("select", { name: "language" },
    ["fr", "en"].map((code) => h("option", { value: code, selected: code === language() }, t(`lang.${code}`)))));
  const slotsArea = h("div", { class: "slots", "aria-live": "polite" });
  const entries = {
    "shopper.name": field(t("consult.full_name"), h("input", { name: "name", autocomplete: "name", required: true })),
    "shopper.email": field(t("checkout.email"), h("input", { type: "email", name: "email", autocomplete: "email", required: true })),
    "shopper.phone": field(t("consult.phone"), h("input", { type: "tel", name: "phone", autocomplete: "tel" }), { hint: t("consult.phone_hint") }),
  };
  const message = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "primary" }, t("consult.book"));
  const mode = () => document.querySelector(`input[name="${modeName}"]:checked`)?.value || "video";
  const loadSlots = async () => {
    replace(slotsArea, status(t("consult.loading_slots")));
    try {
      const query = new URLSearchParams({ mode: mode(), language: lang.input.value, time_zone: timeZone() });
      const list = await api(`/api/consult/slots?${query}`);
      if (!list.slots.length) return replace(slotsArea, h("p", {}, t("consult.no_slots")));
      const days = new Map();
      for (const slot of list.slots.slice(0, 60)) {
        const day = dayLabel(slot.starts_at);
        if (!days.has(day)) days.set(day, []);
        days.get(day).push(slot);
      }
      replace(slotsArea, h("fieldset", {},
        h("legend", {}, t("consult.slots_in", { zone: timeZone() })),
        [...days].map(([day, slots]) => h("div", { class: "slot-day" }, h("h3", {}, day),
          h("div", { class: "slot-list" }, slots.map((slot) =>
            h("label", { class: "slot" }, h("input", { type: "radio", name: "slot", value: slot.starts_at, required: true }),
              ` ${timeLabel(slot.starts_at)}`)))))));
    } catch (error) {
      replace(slotsArea, alertBox(problemMessage(error), { retry: loadSlots }));
    }
  };
  const form = h("form", {
    class: "card booking-form",
    novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const slot = form.querySelector('input[name="slot"]:checked');
      if (!slot) return replace(message, alertBox(t("consult.choose_slot")));
      submit.disabled = true;
      Object.values(entries).forEach((entry) => setFieldError(entry, ""));
      replace(message, status(t("common.saving")));
      try {
        const booking = await api("/api/consult/bookings", {
          method: "POST",
          body: {
            starts_at: slot.value, mode: mode(), language: lang.input.value, time_zone: timeZone(),
            shopper: { name: entries["shopper.name"].input.value.trim(), email: entries["shopper.email"].input.value.trim(),
              phone: entries["shopper.phone"].input.value.trim() || null },
          },
        });
        rememberBooking(booking.id, booking.token);
        navigate(`/rendez-vous/${booking.id}`);
      } catch (error) {
        if (error.status === 422 && showFieldErrors(error, entries)) replace(message, alertBox(t("problem.validation")));
        else if ((error.problem?.type || "").endsWith("slot-taken")) {
          replace(message, alertBox(t("consult.slot_taken")));
          loadSlots();
        } else replace(message, alertBox(problemMessage(error)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h("h2", {}, t("consult.book_title")),
  searchParams.get("produit") ? h("p", { class: "muted" }, t("consult.about_product")) : null,
  h("fieldset", { onchange: loadSlots }, h("legend", {}, t("consult.mode")), modes),
  lang.wrap,
  slotsArea,
  entries["shopper.name"].wrap, entries["shopper.email"].wrap, entries["shopper.phone"].wrap,
  message, submit);
  lang.input.addEventListener("change", loadSlots);
  loadSlots();
  return form;
}

export function bookView(_params, searchParams) {
  return h("section", { class: "consult-page" },
    h("h1", {}, t("consult.title")),
    h("p", { class: "lead" }, t("consult.lead")),
    h("div", { class: "consult-layout" }, queueSection(), bookingSection(searchParams)));
}

export async function bookingView({ id }) {
  const token = bookingToken(id);
  if (!token) return h("section", {}, h("h1", {}, t("consult.booking_title")), alertBox(t("consult.no_booking_token")));
  const booking = await api(`/api/consult/bookings/${encodeURIComponent(id)}`, { headers: { "X-Booking-Token": token } });
  const message = h("div", { "aria-live": "polite" });
  const cancel = h("button", {
    type: "button", class: "secondary",
    onclick: async () => {
      try {
        await api(`/api/consult/bookings/${encodeURIComponent(id)}/cancel`, { method: "POST", headers: { "X-Booking-Token": token } });
        navigate(`/rendez-vous/${id}`);
      } catch (error) {
        replace(message, alertBox(problemMessage(error)));
      }
    },
  }, t("consult.cancel"));
  const join = h("button", {
    type: "button", class: "primary",
    onclick: async () => {
      try {
        const call = await api(`/api/consult/bookings/${encodeURIComponent(id)}/session`, { method: "POST", headers: { "X-Booking-Token": token } });
        rememberCall(call.session_id, { role: "shopper", token });
        navigate(`/appel/${call.session_id}`);
      } catch (error) {
        replace(message, alertBox(problemMessage(error)));
      }
    },
  }, t("consult.join_call"));
  return h("section", { class: "booking-page", dataset: { bookingId: id } },
    h("h1", {}, t("consult.booking_title")),
    h("p", { class: "booking-status", role: "status" }, t("consult.status"), " ", h("strong", { id: "booking-status" }, t(`booking.status.${booking.status}`))),
    h("dl", { class: "facts" },
      h("dt", {}, t("consult.when")), h("dd", { id: "booking-when" }, formatDateTime(booking.starts_at, timeZone()), h("small", { class: "muted" }, ` (${timeZone()})`)),
      h("dt", {}, t("consult.mode")), h("dd", {}, t(`mode.${booking.mode}`)),
      h("dt", {}, t("consult.advisor")), h("dd", {}, booking.advisor_name),
      booking.store && booking.mode === "in_store" ? [h("dt", {}, t("consult.store")), h("dd", {}, booking.store)] : null),
    booking.status === "confirmed"
      ? h("div", { class: "actions" }, booking.mode === "video" ? join : null, cancel)
      : null,
    message);
}

export async function queueView({ id }) {
  const token = sessionStorage.getItem(`vitrine.queue.${id}`);
  if (!token) return h("section", {}, h("h1", {}, t("consult.queue_title")), alertBox(t("consult.no_queue_token")));
  const position = h("strong", { id: "queue-position" }, "…");
  const wait = h("span", { id: "queue-wait" });
  const message = h("div", { "aria-live": "polite" });
  let socket = null;
  let leaving = false;
  const show = (view) => {
    position.textContent = String(view.position);
    wait.textContent = t("consult.wait", { minutes: minutes(view.estimated_wait_seconds), advisors: view.advisors_on_duty });
  };
  const page = h("section", { class: "queue-page" },
    h("h1", {}, t("consult.queue_title")),
    h("p", { class: "queue-place", role: "status", "aria-live": "polite" }, t("consult.position"), " ", position),
    h("p", {}, wait),
    h("p", { class: "muted" }, t("consult.queue_keep_open")),
    h("button", {
      type: "button", class: "secondary",
      onclick: async () => {
        leaving = true;
        socket?.close();
        await api(`/api/consult/queue/${id}`, { method: "DELETE", headers: { "X-Queue-Token": token } }).catch(() => null);
        navigate("/conseiller");
      },
    }, t("consult.leave_queue")),
    message);
  show(await api(`/api/consult/queue/${id}`, { headers: { "X-Queue-Token": token } }));
  const connect = () => {
    socket = new WebSocket(wsUrl(`/api/consult/queue/${id}/ws`));
    socket.onopen = () => socket.send(JSON.stringify({ type: "hello", token }));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "status") show(message);
      if (message.type === "claimed") {
        leaving = true;
        rememberCall(message.session_id, { role: "shopper", token });
        navigate(`/appel/${message.session_id}`);
      }
    };
    socket.onclose = () => {
      if (!leaving && page.isConnected) setTimeout(connect, 1500);
    };
  };
  connect();
  return page;
}

// ---- Advisor console ---------------------------------------------------------------------------

export async function advisorView() {
  const session = staffSession();
  if (!session || !session.roles.some((role) => role === "advisor" || role === "admin")) {
    return h("section", {}, h("h1", {}, t("advisor.title")), alertBox(t("advisor.sign_in")),
      h("a", { href: "/staff?next=/conseillers", "data-link": true }, t("staff.login.title")));
  }
  const me = await api("/api/consult/advisors/me", { token: session.token });
  // The agenda covers a day either side of now: keep the bookings of today, in this browser's zone.
  const day = (iso) => new Intl.DateTimeFormat("en-CA", { timeZone: timeZone() }).format(new Date(iso));
  const today = day(new Date().toISOString());
  const bookings = (await api(`/api/consult/advisors/${me.id}/bookings?days=1`, { token: session.token }))
    .filter((booking) => day(booking.starts_at) === today)
    .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  const queueList = h("ol", { class: "queue-list", id: "live-queue" });
  const queueStatus = h("p", { class: "live", role: "status" }, t("ops.connecting"));
  const message = h("div", { "aria-live": "assertive" });
  const claim = h("button", { type: "button", class: "primary", disabled: true, onclick: () => socket?.send(JSON.stringify({ type: "claim" })) }, t("advisor.claim"));
  let socket = null;
  let leaving = false;
  const openBookingCall = async (booking) => {
    try {
      const call = await api(`/api/consult/bookings/${booking.id}/session`, { method: "POST", token: session.token });
      navigate(`/appel/${call.session_id}`);
    } catch (error) {
      replace(message, alertBox(problemMessage(error)));
    }
  };
  const page = h("section", { class: "advisor-page" },
    h("h1", {}, t("advisor.title")),
    h("p", {}, t("advisor.hello", { name: me.display_name })),
    message,
    h("div", { class: "consult-layout" },
      h("section", { class: "card" }, h("h2", {}, t("advisor.queue")), queueStatus, queueList, claim),
      h("section", { class: "card" }, h("h2", {}, t("advisor.today")),
        bookings.length
          ? h("ul", { class: "plain bookings" }, bookings.map((booking) =>
            h("li", { dataset: { booking: booking.id } }, h("strong", {}, timeLabel(booking.starts_at)), ` · ${booking.shopper_name} · ${t(`mode.${booking.mode}`)} · ${t(`booking.status.${booking.status}`)} `,
              booking.mode === "video" && booking.status === "confirmed" ? h("button", { type: "button", class: "secondary", onclick: () => openBookingCall(booking) }, t("advisor.open_call")) : null,
              booking.mode === "phone" && booking.shopper_phone ? h("a", { href: `tel:${booking.shopper_phone}` }, booking.shopper_phone) : null)))
          : h("p", { class: "muted" }, t("advisor.no_bookings")))));
  const connect = () => {
    socket = new WebSocket(wsUrl("/api/consult/queue/live"));
    socket.onopen = () => socket.send(JSON.stringify({ type: "hello", access_token: session.token }));
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === "queue") {
        queueStatus.textContent = t("ops.live");
        queueStatus.className = "live on";
        replace(queueList, data.entries.map((entry) =>
          h("li", { dataset: { entry: entry.entry_id } }, `${entry.shopper_name || t("advisor.anonymous")} · ${t(`lang.${entry.language}`)} · ${t("advisor.waiting", { minutes: Math.floor(entry.waiting_seconds / 60) })}`)));
        if (!data.entries.length) replace(queueList, h("li", { class: "muted" }, t("advisor.queue_empty")));
        claim.disabled = data.entries.length === 0;
      } else if (data.type === "claimed") {
        leaving = true;
        socket.close();
        navigate(`/appel/${data.session_id}`);
      } else if (data.type === "error") {
        replace(message, alertBox(data.code === "queue-empty" ? t("problem.queue_empty") : data.reason));
      }
    };
    socket.onclose = () => {
      queueStatus.textContent = t("ops.offline");
      queueStatus.className = "live off";
      if (!leaving && page.isConnected) setTimeout(connect, 1500);
    };
  };
  connect();
  const watch = setInterval(() => {
    if (!page.isConnected && document.readyState === "complete") {
      leaving = true;
      socket?.close();
      clearInterval(watch);
    }
  }, 3000);
  return page;
}

// ---- The call ----------------------------------------------------------------------------------

export async function callView({ id }) {
  const invite = new URLSearchParams(location.hash.slice(1)).get("invite");
  if (invite) rememberCall(id, { role: "guest", token: invite });
  const credentials = callCredentials(id);
  const staff = staffSession();
  const role = credentials ? credentials.role || "shopper" : staff?.roles.includes("advisor") ? "advisor" : null;
  if (!role) return h("section", {}, h("h1", {}, t("call.title")), alertBox(t("call.no_access")));
  const shopperHeaders = role === "shopper" ? { "X-Shopper-Token": credentials.token } : {};
  const statusLine = h("p", { class: "call-status", role: "status", id: "call-status" }, t("call.connecting"));
  const localVideo = h("video", { id: "local-video", autoplay: true, muted: true, playsinline: true, "aria-label": t("call.you") });
  const remoteVideo = h("video", { id: "remote-video", autoplay: true, playsinline: true, "aria-label": t("call.them") });
  // The muted attribute set after creation does not mute: the property does (no echo of oneself).
  localVideo.muted = true;
  const extraRemotes = h("div", { class: "extra-remotes" });
  // On the relay, the i-th video and the i-th audio line come from the same other participant:
  // one stream (picture and voice) per other participant, each played by its own element.
  let relayStreams = [];
  const muteButton = h("button", { type: "button", "aria-pressed": "false", id: "mute" }, t("call.mute"));
  const cameraButton = h("button", { type: "button", "aria-pressed": "false", id: "camera" }, t("call.camera_off"));
  const hangButton = h("button", { type: "button", class: "danger", id: "hangup" }, t("call.hangup"));
  const side = h("aside", { class: "call-side card" });
  const after = h("div", { class: "after-call" });
  const lastSeqKey = `vitrine.call.seq.${id}.${role}`;
  let ws = null;
  let pc = null;
  let local = null;
  let iceServers = [];
  let ended = false;
  let pendingIce = [];
  let relayed = false;
  // Answers come back in the order offers went out, one each: only the answer to our latest
  // offer (per target) is applied, so a repeated offer never meets a stale answer.
  const offers = { peer: 0, server: 0 };
  const answers = { peer: 0, server: 0 };
  let pcTarget = "peer";

  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
    localVideo.srcObject = local;
  } catch {
    statusLine.textContent = t("call.no_camera");
  }

  const send = (message) => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));

  const newPeer = (target = "peer") => {
    pc?.close();
    pendingIce = [];
    pc = new RTCPeerConnection({ iceServers });
    pcTarget = target;
    pc.onicecandidate = (event) => {
      if (target === "peer") send({ type: "ice", candidate: event.candidate ? event.candidate.toJSON() : null });
    };
    pc.ontrack = (event) => {
      if (target === "peer") {
        remoteVideo.srcObject = event.streams[0] || new MediaStream([event.track]);
        return;
      }
      // On the relay every track is a line of its own (they share one stream id): pair them by
      // their rank among the lines of their kind.
      const kind = event.track.kind;
      const index = pc.getTransceivers().filter((x) => x.receiver.track.kind === kind).indexOf(event.transceiver);
      if (index < 0) return;
      const tracks = (relayStreams[index]?.getTracks() || []).filter((track) => track.kind !== kind);
      relayStreams[index] = new MediaStream([...tracks, event.track]);
      remoteElement(index).srcObject = relayStreams[index];
      page.dataset.remoteTracks = String(relayStreams.reduce((n, stream) => n + (stream ? stream.getTracks().length : 0), 0));
    };
    pc.onconnectionstatechange = () => {
      page.dataset.media = `${target}:${pc.connectionState}`;
      if (pc.connectionState === "connected") {
        statusLine.textContent = t("call.connected");
        if (target === "peer") send({ type: "media", state: "connected" });
      } else if (pc.connectionState === "failed" && target === "peer") {
        statusLine.textContent = t("call.trying_relay");
        send({ type: "media", state: "failed" });
      }
    };
    return pc;
  };

  const addLocalTracks = (peer) => {
    if (!local) {
      peer.addTransceiver("video", { direction: "recvonly" });
      peer.addTransceiver("audio", { direction: "recvonly" });
      return;
    }
    for (const track of local.getTracks()) peer.addTrack(track, local);
  };

  const remoteElement = (index) => {
    if (index === 0) return remoteVideo;
    const id = `remote-video-${index + 1}`;
    let element = extraRemotes.querySelector(`#${id}`);
    if (!element) {
      element = h("video", { id, class: "remote-extra", autoplay: true, playsinline: true, "aria-label": t("call.them") });
      extraRemotes.append(element);
    }
    return element;
  };

  const offerToPeer = async () => {
    const peer = newPeer();
    addLocalTracks(peer);
    await peer.setLocalDescription(await peer.createOffer());
    offers.peer += 1;
    send({ type: "offer", sdp: peer.localDescription.sdp });
  };

  const answerPeer = async (sdp) => {
    const peer = newPeer();
    addLocalTracks(peer);
    await peer.setRemoteDescription({ type: "offer", sdp });
    await peer.setLocalDescription(await peer.createAnswer());
    send({ type: "answer", sdp: peer.localDescription.sdp });
    for (const candidate of pendingIce.splice(0)) await peer.addIceCandidate(candidate).catch(() => null);
  };

  const moveToRelay = async (streams) => {
    // The server relays media now. Per kind, in this order (the relay answers in it): one
    // sendrecv line (our camera, our microphone) plus one receive-only line per extra remote
    // participant; `streams` (from the server) is how many other participants to expect.
    relayed = true;
    statusLine.textContent = t("call.relayed");
    const peer = newPeer("server");
    relayStreams = [];
    replace(extraRemotes);
    remoteVideo.srcObject = null;
    page.dataset.remoteStreams = String(streams || 1);
    for (const kind of ["video", "audio"]) {
      const track = local?.getTracks().find((candidate) => candidate.kind === kind);
      if (track) peer.addTrack(track, local);
      else peer.addTransceiver(kind, { direction: "recvonly" });
      for (let i = 1; i < (streams || 1); i++) peer.addTransceiver(kind, { direction: "recvonly" });
    }
    await peer.setLocalDescription(await peer.createOffer());
    await new Promise((resolve) => {
      if (peer.iceGatheringState === "complete") return resolve();
      peer.addEventListener("icegatheringstatechange", () => peer.iceGatheringState === "complete" && resolve());
      setTimeout(resolve, 3000);
    });
    if (peer !== pc) return; // a newer move to the relay took over meanwhile
    offers.server += 1;
    send({ type: "offer", sdp: peer.localDescription.sdp, target: "server" });
  };

  const finish = (reason) => {
    if (ended) return;
    ended = true;
    pc?.close();
    local?.getTracks().forEach((track) => track.stop());
    ws?.close();
    sessionStorage.removeItem(lastSeqKey);
    statusLine.textContent = reason || t("call.ended");
    [muteButton, cameraButton, hangButton].forEach((button) => (button.disabled = true));
    replace(after, role === "advisor" ? notesForm() : ratingForm());
  };

  const productCard = (card) => {
    const result = h("p", { class: "card-result", "aria-live": "polite" });
    const add = h("button", {
      type: "button", class: "primary",
      onclick: async () => {
        add.disabled = true;
        try {
          await api(`/api/consult/sessions/${id}/cart/lines`, { method: "POST", headers: shopperHeaders, body: { sku: card.sku, quantity: 1 } });
          await readCart();
          replace(result, h("span", { class: "ok" }, t("product.added")), " ", h("a", { href: "/panier", "data-link": true, target: "_blank" }, t("product.view_cart")));
        } catch (error) {
          replace(result, h("span", { class: "alert", role: "alert" }, problemMessage(error)));
        } finally {
          add.disabled = false;
        }
      },
    }, t("product.add_to_cart"));
    return h("li", { class: "pushed-product", dataset: { sku: card.sku } },
      h("strong", {}, localized(card.name)), " ",
      h("span", { class: "muted" }, [card.size, colourLabel(card.colour)].filter(Boolean).join(" · ")), h("br"),
      h("span", { class: "price" }, money(card.price_minor, card.currency)), " ",
      add, result);
  };

  const pushed = h("ul", { class: "plain pushed-list", id: "pushed-products" });
  if (role === "shopper") {
    replace(side, h("h2", {}, t("call.products")), h("p", { class: "muted" }, t("call.products_lead")), pushed, inviteCompanion(id, shopperHeaders));
  } else if (role === "guest") {
    replace(side, h("p", {}, t("call.guest_lead")));
  } else {
    replace(side, advisorTools(id, staff.token));
  }

  function ratingForm() {
    const rating = h("select", { id: "rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, "★".repeat(n))));
    const done = h("p", { "aria-live": "polite" });
    return h("form", {
      class: "card form",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api(`/api/consult/sessions/${id}/rating`, { method: "POST", headers: shopperHeaders, body: { rating: Number(rating.value) } });
          replace(done, t("call.thanks"));
        } catch (error) {
          replace(done, alertBox(problemMessage(error)));
        }
      },
    }, h("h2", {}, t("call.rate")), h("label", { for: "rating" }, t("call.rating")), rating, h("button", { type: "submit" }, t("call.send")), done,
    h("p", {}, h("a", { href: "/panier", "data-link": true }, t("call.to_cart"))));
  }

  function notesForm() {
    const text = field(t("call.notes"), h("textarea", { rows: 4, required: true, maxlength: 5000 }));
    const tags = field(t("call.tags"), h("input", { name: "tags", placeholder: t("call.tags_hint") }));
    const done = h("div", { "aria-live": "polite" });
    return h("form", {
      class: "card form",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api(`/api/consult/sessions/${id}/notes`, {
            method: "POST", token: staff.token,
            body: { text: text.input.value, tags: tags.input.value.split(",").map(asTag).filter(Boolean) },
          });
          replace(done, h("p", { class: "ok", role: "status" }, t("call.notes_saved")));
        } catch (error) {
          if (error.status === 422) showFieldErrors(error, { text, tags });
          replace(done, alertBox(problemMessage(error)));
        }
      },
    }, h("h2", {}, t("call.after")), text.wrap, tags.wrap, h("button", { type: "submit" }, t("call.save_notes")), done,
    h("p", {}, h("a", { href: "/conseillers", "data-link": true }, t("call.back_console"))));
  }

  const onMessage = async (message) => {
    if (typeof message.seq === "number") sessionStorage.setItem(lastSeqKey, String(message.seq));
    switch (message.type) {
      case "welcome":
        iceServers = message.ice_servers || [];
        statusLine.textContent = message.peer_present ? t("call.connecting") : t("call.waiting_other");
        if (role === "shopper") {
          // Lend the call the shopper's cart, so what is added and bought is attributed to it.
          try {
            const cart = await ensureCart();
            await api(`/api/consult/sessions/${id}/cart`, { method: "PUT", headers: shopperHeaders, body: cart });
          } catch (error) {
            replace(after, alertBox(problemMessage(error)));
          }
        }
        if (message.topology === "relay") await moveToRelay(message.streams);
        else if (role === "advisor" && message.peer_present) await offerToPeer();
        break;
      case "peer-joined":
        statusLine.textContent = message.role === "companion" || message.role === "supervisor" ? t("call.third_joined") : t("call.connecting");
        if (role === "advisor" && !relayed && message.role === "shopper") await offerToPeer();
        break;
      case "offer":
        if (message.from !== "server" && role === "shopper" && !relayed) await answerPeer(message.sdp);
        break;
      case "answer": {
        const from = message.from === "server" ? "server" : "peer";
        answers[from] += 1;
        if (answers[from] === offers[from] && pc && pcTarget === from && pc.signalingState === "have-local-offer") {
          await pc.setRemoteDescription({ type: "answer", sdp: message.sdp });
          for (const candidate of pendingIce.splice(0)) await pc.addIceCandidate(candidate).catch(() => null);
        }
        break;
      }
      case "ice":
        if (!pc || relayed) break;
        if (!message.candidate) break;
        if (pc.remoteDescription) await pc.addIceCandidate(message.candidate).catch(() => null);
        else pendingIce.push(message.candidate);
        break;
      case "topology":
        if (message.topology === "relay") await moveToRelay(message.streams);
        break;
      case "product":
        pushed.prepend(productCard(message.card));
        break;
      case "peer-left":
        statusLine.textContent = t("call.other_left");
        break;
      case "hangup":
        finish(t("call.other_hung_up"));
        break;
      case "error":
        if (message.code !== "not-relayed") statusLine.textContent = message.reason || t("common.error");
        break;
      default:
        break;
    }
  };

  const connect = () => {
    ws = new WebSocket(wsUrl(`/api/consult/sessions/${id}/signal`));
    const resume = Number(sessionStorage.getItem(lastSeqKey) || 0);
    ws.onopen = () => send(role !== "advisor"
      ? { type: "hello", role, token: credentials.token, resume_after: resume }
      : { type: "hello", role, access_token: staff.token, resume_after: resume });
    let chain = Promise.resolve();
    // Messages are handled one after the other: SDP steps must not interleave.
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      chain = chain.then(() => onMessage(message)).catch((error) => console.warn("signaling", error));
    };
    ws.onclose = (event) => {
      if (ended) return;
      if ([1000, 4410].includes(event.code)) finish(t("call.ended"));
      else if ([4401, 4403, 4404].includes(event.code)) finish(t("call.no_access"));
      else if (event.code !== 4000 && page.isConnected) setTimeout(connect, 1500);
    };
  };

  muteButton.addEventListener("click", () => {
    const on = muteButton.getAttribute("aria-pressed") !== "true";
    local?.getAudioTracks().forEach((track) => (track.enabled = !on));
    muteButton.setAttribute("aria-pressed", String(on));
    muteButton.textContent = on ? t("call.unmute") : t("call.mute");
  });
  cameraButton.addEventListener("click", () => {
    const off = cameraButton.getAttribute("aria-pressed") !== "true";
    local?.getVideoTracks().forEach((track) => (track.enabled = !off));
    cameraButton.setAttribute("aria-pressed", String(off));
    cameraButton.textContent = off ? t("call.camera_on") : t("call.camera_off");
  });
  hangButton.addEventListener("click", () => {
    send({ type: "hangup" });
    finish(t("call.ended"));
  });
  const ping = setInterval(() => (ended || !page.isConnected ? clearInterval(ping) : send({ type: "ping" })), 20000);

  const page = h("section", { class: "call-page", dataset: { sessionId: id, role } },
    h("h1", {}, t("call.title")),
    statusLine,
    h("div", { class: "call-layout" },
      h("div", { class: "videos" },
        h("figure", { class: "remote" }, remoteVideo, h("figcaption", {}, role === "advisor" ? t("call.shopper") : t("call.advisor"))),
        extraRemotes,
        h("figure", { class: "local" }, localVideo, h("figcaption", {}, t("call.you"))),
        h("div", { class: "call-controls" }, muteButton, cameraButton, hangButton)),
      side),
    after);
  connect();
  return page;
}

function inviteCompanion(sessionId, headers) {
  const area = h("div", { "aria-live": "polite" });
  return h("div", { class: "invite" },
    h("h2", {}, t("call.invite_title")),
    h("button", {
      type: "button", class: "secondary",
      onclick: async () => {
        try {
          const invitation = await api(`/api/consult/sessions/${sessionId}/companions`, { method: "POST", headers });
          const link = `${location.origin}/appel/${sessionId}#invite=${encodeURIComponent(invitation.guest_token)}`;
          replace(area, h("label", { for: "invite-link" }, t("call.invite_link")),
            h("input", { id: "invite-link", readonly: true, value: link, onfocus: (event) => event.target.select() }));
        } catch (error) {
          replace(area, alertBox(problemMessage(error)));
        }
      },
    }, t("call.invite")),
    area);
}

/** Tags are lowercase letters, digits and dashes: "Châle léger" becomes "chale-leger". */
function asTag(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40);
}

function advisorTools(sessionId, token) {
  const query = field(t("call.search"), h("input", { type: "search", name: "q", autocomplete: "off" }));
  const results = h("ul", { class: "plain search-results", "aria-live": "polite" });
  const log = h("p", { role: "status", class: "muted" });
  const push = async (variant, name) => {
    try {
      await api(`/api/consult/sessions/${sessionId}/products`, { method: "POST", token, body: { sku: variant.sku } });
      log.textContent = t("call.pushed", { name });
    } catch (error) {
      log.textContent = problemMessage(error);
    }
  };
  const choose = async (item, slot) => {
    try {
      const product = await api(`/api/catalog/products/${item.id}`);
      replace(slot, product.variants.filter((variant) => variant.available > 0).map((variant) =>
        h("button", { type: "button", class: "secondary", onclick: () => push(variant, localized(product.name)) },
          t("call.push_variant", { variant: [variant.size, colourLabel(variant.colour)].filter(Boolean).join(" · ") || variant.sku }))));
    } catch (error) {
      replace(slot, alertBox(problemMessage(error)));
    }
  };
  return h("div", {},
    h("h2", {}, t("call.show_products")),
    h("form", {
      class: "form",
      role: "search",
      onsubmit: async (event) => {
        event.preventDefault();
        replace(results, status());
        try {
          const found = await api(`/api/consult/sessions/${sessionId}/catalog?q=${encodeURIComponent(query.input.value.trim())}`, { token });
          replace(results, (found.items || []).slice(0, 8).map((item) => {
            const slot = h("div", { class: "variant-buttons" });
            return h("li", { dataset: { productId: item.id } }, h("strong", {}, localized(item.name)), ` · ${money(item.price_minor, item.currency)} `,
              h("button", { type: "button", onclick: () => choose(item, slot) }, t("call.push_to_shopper")), slot);
          }));
          if (!(found.items || []).length) replace(results, h("li", {}, t("catalog.empty")));
        } catch (error) {
          replace(results, h("li", {}, alertBox(problemMessage(error))));
        }
      },
    }, query.wrap, h("button", { type: "submit" }, t("search.submit"))),
    results, log);
}

addMessages({
  fr: {
    "lang.fr": "français", "lang.en": "anglais",
    "mode.video": "Appel vidéo", "mode.in_store": "En magasin", "mode.phone": "Rappel téléphonique",
    "consult.title": "Parler à un conseiller",
    "consult.lead": "Un vrai conseiller vous montre les produits en vidéo, vous reçoit en magasin ou vous rappelle.",
    "consult.now_title": "Maintenant, en vidéo",
    "consult.now_lead": "Rejoignez la file : un conseiller vous prend dès qu'il est libre.",
    "consult.your_name": "Votre prénom",
    "consult.language": "Langue",
    "consult.queue_join": "Rejoindre la file",
    "consult.next_slots": "Prochains créneaux : {slots}",
    "consult.book_title": "Prendre rendez-vous",
    "consult.about_product": "Le conseiller préparera le produit que vous regardiez.",
    "consult.mode": "Type de rendez-vous",
    "consult.loading_slots": "Recherche des créneaux…",
    "consult.no_slots": "Aucun créneau libre ces prochains jours.",
    "consult.slots_in": "Créneaux libres (heure de {zone})",
    "consult.full_name": "Nom complet",
    "consult.phone": "Téléphone",
    "consult.phone_hint": "Obligatoire pour un rappel téléphonique.",
    "consult.book": "Réserver",
    "consult.choose_slot": "Choisissez un créneau.",
    "consult.slot_taken": "Ce créneau vient d'être pris. Choisissez-en un autre.",
    "consult.booking_title": "Votre rendez-vous",
    "consult.no_booking_token": "Ce rendez-vous a été pris sur un autre appareil : utilisez le lien du courriel.",
    "consult.status": "État :",
    "consult.when": "Quand",
    "consult.advisor": "Conseiller",
    "consult.store": "Magasin",
    "consult.cancel": "Annuler le rendez-vous",
    "consult.join_call": "Rejoindre l'appel vidéo",
    "booking.status.confirmed": "confirmé", "booking.status.cancelled": "annulé", "booking.status.completed": "terminé",
    "booking.status.started": "en cours", "booking.status.no_show": "absent",
    "consult.queue_title": "Dans la file",
    "consult.no_queue_token": "Cette place dans la file appartient à un autre onglet.",
    "consult.position": "Votre position :",
    "consult.wait": "Attente estimée : environ {minutes} min ({advisors} conseiller(s) en service).",
    "consult.queue_keep_open": "Gardez cette page ouverte : l'appel commencera ici.",
    "consult.leave_queue": "Quitter la file",
    "advisor.title": "Console conseiller",
    "advisor.sign_in": "Connectez-vous avec un compte conseiller.",
    "advisor.hello": "Bonjour, {name}.",
    "advisor.queue": "File en direct",
    "advisor.claim": "Prendre le client suivant",
    "advisor.queue_empty": "Personne n'attend.",
    "advisor.anonymous": "Client",
    "advisor.waiting": "attend depuis {minutes} min",
    "advisor.today": "Rendez-vous d'aujourd'hui",
    "advisor.no_bookings": "Aucun rendez-vous aujourd'hui.",
    "advisor.open_call": "Ouvrir l'appel",
    "call.title": "Appel avec un conseiller",
    "call.no_access": "Cet appel n'est pas le vôtre, ou il est terminé.",
    "call.connecting": "Connexion…",
    "call.waiting_other": "En attente de l'autre personne…",
    "call.connected": "En communication",
    "call.trying_relay": "Connexion directe impossible, passage par notre serveur…",
    "call.relayed": "Communication relayée par notre serveur",
    "call.no_camera": "Caméra ou micro indisponible : vous voyez et entendez quand même le conseiller.",
    "call.ended": "Appel terminé.",
    "call.other_hung_up": "L'autre personne a raccroché.",
    "call.other_left": "Connexion de l'autre personne perdue, elle peut revenir…",
    "call.you": "Vous",
    "call.them": "Votre interlocuteur",
    "call.advisor": "Conseiller",
    "call.shopper": "Client",
    "call.mute": "Couper le micro",
    "call.unmute": "Rétablir le micro",
    "call.camera_off": "Couper la caméra",
    "call.camera_on": "Rétablir la caméra",
    "call.hangup": "Raccrocher",
    "call.products": "Produits montrés",
    "call.products_lead": "Les produits que le conseiller vous montre s'affichent ici.",
    "call.show_products": "Montrer un produit",
    "call.search": "Chercher dans le catalogue",
    "call.push_to_shopper": "Montrer au client",
    "call.push_variant": "Envoyer {variant}",
    "call.pushed": "« {name} » envoyé au client.",
    "call.rate": "Comment s'est passé l'appel?",
    "call.rating": "Note",
    "call.send": "Envoyer",
    "call.thanks": "Merci pour votre avis!",
    "call.to_cart": "Voir mon panier",
    "call.after": "Notes après l'appel",
    "call.notes": "Notes (jamais montrées au client)",
    "call.tags": "Étiquettes",
    "call.tags_hint": "séparées par des virgules",
    "call.save_notes": "Enregistrer",
    "call.notes_saved": "Notes enregistrées.",
    "call.back_console": "Retour à la console",
    "call.third_joined": "Une troisième personne se joint à l'appel…",
    "call.guest_lead": "Vous accompagnez un proche dans son appel avec un conseiller.",
    "call.invite_title": "Inviter un proche",
    "call.invite": "Créer un lien d'invitation",
    "call.invite_link": "Lien à envoyer (valable pour cet appel)",
  },
  en: {
    "lang.fr": "French", "lang.en": "English",
    "mode.video": "Video call", "mode.in_store": "In store", "mode.phone": "Phone callback",
    "consult.title": "Talk to an advisor",
    "consult.lead": "A real advisor shows you the products by video, meets you in store or calls you back.",
    "consult.now_title": "Now, by video",
    "consult.now_lead": "Join the queue: an advisor takes you as soon as one is free.",
    "consult.your_name": "Your first name",
    "consult.language": "Language",
    "consult.queue_join": "Join the queue",
    "consult.next_slots": "Next slots: {slots}",
    "consult.book_title": "Book an appointment",
    "consult.about_product": "The advisor will prepare the product you were looking at.",
    "consult.mode": "Kind of appointment",
    "consult.loading_slots": "Looking for slots…",
    "consult.no_slots": "No free slot in the coming days.",
    "consult.slots_in": "Free slots ({zone} time)",
    "consult.full_name": "Full name",
    "consult.phone": "Phone",
    "consult.phone_hint": "Required for a phone callback.",
    "consult.book": "Book",
    "consult.choose_slot": "Choose a slot.",
    "consult.slot_taken": "This slot was just taken. Choose another one.",
    "consult.booking_title": "Your appointment",
    "consult.no_booking_token": "This appointment was booked on another device: use the link in the email.",
    "consult.status": "Status:",
    "consult.when": "When",
    "consult.advisor": "Advisor",
    "consult.store": "Store",
    "consult.cancel": "Cancel the appointment",
    "consult.join_call": "Join the video call",
    "booking.status.confirmed": "confirmed", "booking.status.cancelled": "cancelled", "booking.status.completed": "completed",
    "booking.status.started": "in progress", "booking.status.no_show": "no-show",
    "consult.queue_title": "In the queue",
    "consult.no_queue_token": "This place in the queue belongs to another tab.",
    "consult.position": "Your position:",
    "consult.wait": "Estimated wait: about {minutes} min ({advisors} advisor(s) on duty).",
    "consult.queue_keep_open": "Keep this page open: the call will start here.",
    "consult.leave_queue": "Leave the queue",
    "advisor.title": "Advisor console",
    "advisor.sign_in": "Sign in with an advisor account.",
    "advisor.hello": "Hello, {name}.",
    "advisor.queue": "Live queue",
    "advisor.claim": "Take the next shopper",
    "advisor.queue_empty": "Nobody is waiting.",
    "advisor.anonymous": "Shopper",
    "advisor.waiting": "waiting for {minutes} min",
    "advisor.today": "Today's appointments",
    "advisor.no_bookings": "No appointment today.",
    "advisor.open_call": "Open the call",
    "call.title": "Call with an advisor",
    "call.no_access": "This call is not yours, or it has ended.",
    "call.connecting": "Connecting…",
    "call.waiting_other": "Waiting for the other person…",
    "call.connected": "Connected",
    "call.trying_relay": "No direct connection, going through our server…",
    "call.relayed": "Call relayed by our server",
    "call.no_camera": "Camera or microphone unavailable: you still see and hear the advisor.",
    "call.ended": "Call ended.",
    "call.other_hung_up": "The other person hung up.",
    "call.other_left": "The other person's connection dropped; they may come back…",
    "call.you": "You",
    "call.them": "The other person",
    "call.advisor": "Advisor",
    "call.shopper": "Shopper",
    "call.mute": "Mute",
    "call.unmute": "Unmute",
    "call.camera_off": "Camera off",
    "call.camera_on": "Camera on",
    "call.hangup": "Hang up",
    "call.products": "Products shown",
    "call.products_lead": "The products the advisor shows you appear here.",
    "call.show_products": "Show a product",
    "call.search": "Search the catalog",
    "call.push_to_shopper": "Show the shopper",
    "call.push_variant": "Send {variant}",
    "call.pushed": "“{name}” sent to the shopper.",
    "call.rate": "How was the call?",
    "call.rating": "Rating",
    "call.send": "Send",
    "call.thanks": "Thank you for your feedback!",
    "call.to_cart": "See my cart",
    "call.after": "Notes after the call",
    "call.notes": "Notes (never shown to the shopper)",
    "call.tags": "Tags",
    "call.tags_hint": "separated by commas",
    "call.save_notes": "Save",
    "call.notes_saved": "Notes saved.",
    "call.back_console": "Back to the console",
    "call.third_joined": "A third person is joining the call…",
    "call.guest_lead": "You are joining a relative's call with an advisor.",
    "call.invite_title": "Invite someone",
    "call.invite": "Create an invitation link",
    "call.invite_link": "Link to send (valid for this call)",
  },
});
