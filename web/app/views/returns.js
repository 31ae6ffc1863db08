// Shopper returns (find the order, choose lines and reasons, print the label, follow the return)
// and the public hygiene certificate with its verification.
import { api, ApiError } from "../api.js";
import { h, replace } from "../dom.js";
import { addMessages, formatDateTime, localized, t } from "../i18n.js";
import { navigate } from "../router.js";
import { alertBox, field, money, problemMessage, showFieldErrors, status } from "../ui.js";

const TOKENS_KEY = "vitrine.returns";

function returnToken(id) {
  try {
    return JSON.parse(localStorage.getItem(TOKENS_KEY) || "{}")[id] || null;
  } catch {
    return null;
  }
}

function rememberReturn(id, token) {
  const tokens = JSON.parse(localStorage.getItem(TOKENS_KEY) || "{}");
  tokens[id] = token;
  localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
}

export async function startReturnView() {
  const reasons = await api("/api/returns/reason-codes");
  const number = field(t("order.number"), h("input", { name: "order_number", required: true, autocomplete: "off" }));
  const email = field(t("checkout.email"), h("input", { type: "email", name: "email", autocomplete: "email", required: true }));
  const area = h("div", { "aria-live": "polite" });
  const lookup = h("form", {
    class: "form card",
    onsubmit: async (event) => {
      event.preventDefault();
      replace(area, status());
      try {
        const order = await api("/api/returns/orders/lookup", {
          method: "POST", body: { order_number: number.input.value.trim(), email: email.input.value.trim() },
        });
        replace(area, returnForm(order, email.input.value.trim(), reasons));
      } catch (error) {
        replace(area, alertBox(error.status === 404 ? t("return.not_found") : problemMessage(error)));
      }
    },
  }, h("h2", {}, t("return.find")), number.wrap, email.wrap, h("button", { type: "submit" }, t("order.lookup")));
  return h("section", { class: "returns-page" },
    h("h1", {}, t("return.title")),
    h("p", {}, t("return.lead")),
    lookup, area,
    h("p", {}, h("a", { href: "/certificats", "data-link": true }, t("certificate.lookup_title"))));
}

function returnForm(order, email, reasons) {
  const rows = order.lines.map((line) => {
    const quantity = h("select", { id: `return-qty-${line.line_no}`, disabled: line.returnable_quantity === 0 },
      Array.from({ length: line.returnable_quantity + 1 }, (_, n) => h("option", { value: n }, String(n))));
    const reason = h("select", { id: `return-reason-${line.line_no}` },
      Object.entries(reasons).map(([code, label]) => h("option", { value: code }, localized(label))));
    const seal = line.needs_intact_seal ? h("input", { type: "checkbox", id: `return-seal-${line.line_no}` }) : null;
    return { line, quantity, reason, seal };
  });
  const preference = h("select", { id: "return-preference" },
    ["refund", "exchange", "store_credit"].map((value) => h("option", { value }, t(`return.preference.${value}`))));
  const comment = field(t("return.comment"), h("textarea", { name: "comment", rows: 3, maxlength: 1000 }));
  const message = h("div", { "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "primary" }, t("return.submit"));
  return h("form", {
    class: "card return-form",
    onsubmit: async (event) => {
      event.preventDefault();
      const lines = rows
        .filter((row) => Number(row.quantity.value) > 0)
        .map((row) => ({
          line_no: row.line.line_no, quantity: Number(row.quantity.value), reason_code: row.reason.value,
          ...(row.seal ? { seal_intact: row.seal.checked } : {}),
        }));
      if (!lines.length) return replace(message, alertBox(t("return.choose_line")));
      submit.disabled = true;
      replace(message, status(t("common.saving")));
      try {
        const created = await api("/api/returns/returns", {
          method: "POST",
          body: { order_number: order.order_number, email, lines, preference: preference.value, comment: comment.input.value },
        });
        rememberReturn(created.return_id, created.return_token);
        navigate(`/retours/${created.return_id}`);
      } catch (error) {
        if (error.status === 422) showFieldErrors(error, { comment });
        replace(message, alertBox(problemMessage(error)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h("h2", {}, t("return.choose", { number: order.order_number })),
  h("p", { class: "muted" }, t("return.window", { date: formatDateTime(order.window_closes_at) })),
  h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, ["return.item", "return.quantity", "return.reason", "return.seal"].map((key) => h("th", { scope: "col" }, t(key))))),
    h("tbody", {}, rows.map(({ line, quantity, reason, seal }) =>
      h("tr", { dataset: { sku: line.sku } },
        h("td", {}, line.sku, h("br"), h("small", {}, `${line.quantity} × ${money(line.unit_price_minor, order.currency)}`),
          line.refusal ? h("p", { class: "field-error" }, localized(line.refusal_text) || line.refusal) : null),
        h("td", {}, h("label", { for: quantity.id, class: "visually-hidden" }, t("return.quantity_of", { sku: line.sku })), quantity),
        h("td", {}, h("label", { for: reason.id, class: "visually-hidden" }, t("return.reason_of", { sku: line.sku })), reason),
        h("td", {}, seal ? h("label", {}, seal, ` ${t("return.seal_intact")}`) : "—")))))),
  h("div", { class: "field" }, h("label", { for: "return-preference" }, t("return.preference")), preference),
  comment.wrap,
  message,
  submit);
}

async function labelLink(id, token) {
  const response = await fetch(`/api/returns/returns/${encodeURIComponent(id)}/label.pdf`, { headers: { "X-Return-Token": token } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  return URL.createObjectURL(await response.blob());
}

export async function returnView({ id }) {
  const token = returnToken(id);
  if (!token) return h("section", {}, h("h1", {}, t("return.follow")), alertBox(t("return.no_token")));
  const ret = await api(`/api/returns/returns/${encodeURIComponent(id)}`, { headers: { "X-Return-Token": token } });
  const labelArea = h("div", { "aria-live": "polite" });
  const printButton = h("button", {
    type: "button",
    onclick: async () => {
      printButton.disabled = true;
      try {
        const url = await labelLink(id, token);
        replace(labelArea, h("p", {}, h("a", { href: url, download: `${ret.rma_number}.pdf`, id: "label-download" }, t("return.label_download")),
          " · ", h("a", { href: url, target: "_blank", rel: "noopener" }, t("return.label_open"))));
      } catch (error) {
        replace(labelArea, alertBox(problemMessage(error)));
      } finally {
        printButton.disabled = false;
      }
    },
  }, t("return.label"));
  return h("section", { class: "return-page", dataset: { returnId: id } },
    h("h1", {}, t("return.rma", { rma: ret.rma_number })),
    h("p", { role: "status" }, t("return.status"), " ", h("strong", { id: "return-status" }, t(`return.status.${ret.status}`))),
    h("p", { class: "muted" }, t("return.created", { date: formatDateTime(ret.created_at) })),
    ret.status === "requested" ? h("div", { class: "card" }, h("p", {}, t("return.label_lead")), printButton, labelArea) : null,
    h("h2", {}, t("return.items")),
    h("ul", { class: "plain" }, ret.items.map((item) =>
      h("li", { dataset: { item: item.item_id } }, `${item.sku} — `, h("strong", {}, t(`item.state.${item.state}`)),
        item.grade ? ` · ${t("return.grade", { grade: item.grade })}` : ""))),
    h("p", {}, t("return.refund"), " ", h("strong", {}, ret.refund_status ? t(`refund.${ret.refund_status}`) : t("refund.none")),
      ret.refunded_minor ? ` (${money(ret.refunded_minor, ret.currency)})` : ""));
}

export function certificateLookupView() {
  const id = field(t("certificate.id"), h("input", { name: "certificate", required: true, placeholder: "VC-…", autocomplete: "off" }));
  return h("section", {},
    h("h1", {}, t("certificate.lookup_title")),
    h("p", {}, t("certificate.lookup_lead")),
    h("form", {
      class: "form card",
      onsubmit: (event) => {
        event.preventDefault();
        navigate(`/certificats/${encodeURIComponent(id.input.value.trim())}`);
      },
    }, id.wrap, h("button", { type: "submit" }, t("certificate.verify"))));
}

export async function certificateView({ id }) {
  let cert;
  try {
    cert = await api(`/api/returns/certificates/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error.status === 404) return h("section", {}, h("h1", {}, t("certificate.title")), alertBox(t("certificate.unknown", { id })));
    throw error;
  }
  const valid = cert.verification?.valid;
  const row = (label, value) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, value ?? "—"));
  const date = (value) => (value ? formatDateTime(value) : "—");
  return h("section", { class: "certificate-page" },
    h("h1", {}, t("certificate.title")),
    h("p", { class: "certificate-id" }, cert.certificate_id),
    h("div", { class: `verification ${valid ? "ok" : "bad"}`, role: "status", id: "certificate-verification" },
      h("strong", {}, valid ? t("certificate.valid") : t("certificate.invalid")),
      h("p", {}, t("certificate.checked", { count: cert.verification?.entries ?? 0 })),
      !valid && cert.verification?.problems?.length ? h("ul", {}, cert.verification.problems.map((problem) => h("li", {}, problem))) : null),
    h("p", {}, localized(cert.statement)),
    h("table", { class: "certificate-table" }, h("tbody", {},
      row(t("certificate.sku"), cert.item?.sku),
      row(t("certificate.received"), date(cert.received_at)),
      row(t("certificate.inspection"), cert.inspection?.grade ? `${t("return.grade", { grade: cert.inspection.grade })} · ${t(`material.${cert.inspection.material}`)} · ${date(cert.inspection.at)} (${cert.inspection.inspector_initials || "—"})` : "—"),
      row(t("certificate.quarantine"), cert.quarantine?.started_at ? t("certificate.quarantine_value", { hours: cert.quarantine.hours, from: date(cert.quarantine.started_at), until: date(cert.quarantine.until) }) : "—"),
      row(t("certificate.sanitization"), cert.sanitization?.lot_code ? `${cert.sanitization.lot_code} · ${t(`method.${cert.sanitization.method}`)} · ${date(cert.sanitization.ended_at)} (${cert.sanitization.operator_initials || "—"})` : "—"),
      row(t("certificate.restocked"), date(cert.restocked_at)))),
    h("details", {}, h("summary", {}, t("certificate.ledger")),
      h("ol", { class: "ledger" }, (cert.ledger || []).map((entry) => h("li", {}, `${entry.kind} `, h("code", {}, entry.hash))))),
    h("p", { class: "muted" }, t("certificate.how")));
}

addMessages({
  fr: {
    "return.title": "Retourner un article",
    "return.lead": "Entrez votre numéro de commande et votre courriel, choisissez les articles, puis imprimez l'étiquette.",
    "return.find": "Votre commande",
    "return.not_found": "Aucune commande ne correspond à ce numéro et ce courriel.",
    "return.choose": "Articles de la commande {number}",
    "return.window": "Retours acceptés jusqu'au {date}.",
    "return.item": "Article",
    "return.quantity": "Quantité à retourner",
    "return.quantity_of": "Quantité à retourner de {sku}",
    "return.reason": "Motif",
    "return.reason_of": "Motif du retour de {sku}",
    "return.seal": "Scellé",
    "return.seal_intact": "Le scellé est intact",
    "return.preference": "Je souhaite",
    "return.preference.refund": "un remboursement",
    "return.preference.exchange": "un échange",
    "return.preference.store_credit": "un crédit en magasin",
    "return.comment": "Commentaire (facultatif)",
    "return.submit": "Demander le retour",
    "return.choose_line": "Choisissez au moins un article à retourner.",
    "return.follow": "Suivi du retour",
    "return.no_token": "Ce retour a été demandé depuis un autre appareil : utilisez le lien reçu par courriel.",
    "return.rma": "Retour {rma}",
    "return.status": "État :",
    "return.status.requested": "demandé — en attente du colis",
    "return.status.received": "colis reçu",
    "return.status.completed": "terminé",
    "return.created": "Demandé le {date}",
    "return.label_lead": "Imprimez l'étiquette et collez-la sur le colis.",
    "return.label": "Imprimer l'étiquette de retour",
    "return.label_download": "Télécharger l'étiquette (PDF)",
    "return.label_open": "Ouvrir pour imprimer",
    "return.items": "Articles",
    "return.grade": "catégorie {grade}",
    "return.refund": "Remboursement :",
    "refund.none": "pas encore",
    "refund.approved": "approuvé",
    "refund.succeeded": "effectué",
    "refund.failed": "en difficulté, nous vous contacterons",
    "refund.pending": "en cours",
    "item.state.requested": "attendu", "item.state.received": "reçu", "item.state.inspected": "inspecté",
    "item.state.quarantined": "en quarantaine", "item.state.sanitizing": "en assainissement", "item.state.sanitized": "assaini",
    "item.state.restocked": "remis en vente", "item.state.refurbished": "remis à neuf", "item.state.donated": "donné",
    "item.state.destroyed": "détruit",
    "certificate.title": "Certificat d'hygiène",
    "certificate.lookup_title": "Vérifier un certificat d'hygiène",
    "certificate.lookup_lead": "Le numéro commence par VC- ; il figure sur la fiche du produit et sur l'étiquette.",
    "certificate.id": "Numéro du certificat",
    "certificate.verify": "Vérifier",
    "certificate.unknown": "Aucun certificat ne porte le numéro {id}.",
    "certificate.valid": "Certificat authentique : la chaîne de preuves est intacte.",
    "certificate.invalid": "Attention : ce certificat ne se vérifie pas.",
    "certificate.checked": "{count} étape(s) vérifiée(s) par leur empreinte SHA-256.",
    "certificate.sku": "Article",
    "certificate.received": "Reçu",
    "certificate.inspection": "Inspection",
    "certificate.quarantine": "Quarantaine",
    "certificate.quarantine_value": "{hours} h, du {from} au {until}",
    "certificate.sanitization": "Assainissement",
    "certificate.restocked": "Remis en vente",
    "certificate.ledger": "Registre (empreintes)",
    "certificate.how": "Chaque étape est inscrite dans un registre chaîné : modifier une étape change toutes les empreintes suivantes et le numéro du certificat.",
    "material.fabric": "tissu", "material.paper": "papier", "material.cardboard": "carton", "material.leather": "cuir",
    "material.wood": "bois", "material.glass": "verre", "material.plastic": "plastique", "material.metal": "métal", "material.other": "autre",
    "method.steam": "vapeur", "method.uv_c": "UV-C", "method.ozone": "ozone", "method.disinfectant": "désinfectant", "method.none": "aucune",
  },
  en: {
    "return.title": "Return an item",
    "return.lead": "Enter your order number and email, choose the items, then print the label.",
    "return.find": "Your order",
    "return.not_found": "No order matches this number and email.",
    "return.choose": "Items of order {number}",
    "return.window": "Returns accepted until {date}.",
    "return.item": "Item",
    "return.quantity": "Quantity to return",
    "return.quantity_of": "Quantity of {sku} to return",
    "return.reason": "Reason",
    "return.reason_of": "Reason for returning {sku}",
    "return.seal": "Seal",
    "return.seal_intact": "The seal is intact",
    "return.preference": "I would like",
    "return.preference.refund": "a refund",
    "return.preference.exchange": "an exchange",
    "return.preference.store_credit": "store credit",
    "return.comment": "Comment (optional)",
    "return.submit": "Request the return",
    "return.choose_line": "Choose at least one item to return.",
    "return.follow": "Return status",
    "return.no_token": "This return was requested from another device: use the link in your email.",
    "return.rma": "Return {rma}",
    "return.status": "Status:",
    "return.status.requested": "requested — waiting for the parcel",
    "return.status.received": "parcel received",
    "return.status.completed": "completed",
    "return.created": "Requested on {date}",
    "return.label_lead": "Print the label and stick it on the parcel.",
    "return.label": "Print the return label",
    "return.label_download": "Download the label (PDF)",
    "return.label_open": "Open to print",
    "return.items": "Items",
    "return.grade": "grade {grade}",
    "return.refund": "Refund:",
    "refund.none": "not yet",
    "refund.approved": "approved",
    "refund.succeeded": "done",
    "refund.failed": "in trouble, we will contact you",
    "refund.pending": "under way",
    "item.state.requested": "expected", "item.state.received": "received", "item.state.inspected": "inspected",
    "item.state.quarantined": "in quarantine", "item.state.sanitizing": "being sanitized", "item.state.sanitized": "sanitized",
    "item.state.restocked": "back on sale", "item.state.refurbished": "refurbished", "item.state.donated": "donated",
    "item.state.destroyed": "destroyed",
    "certificate.title": "Hygiene certificate",
    "certificate.lookup_title": "Check a hygiene certificate",
    "certificate.lookup_lead": "The number starts with VC-; it is on the product page and on the tag.",
    "certificate.id": "Certificate number",
    "certificate.verify": "Check",
    "certificate.unknown": "No certificate has the number {id}.",
    "certificate.valid": "Genuine certificate: the chain of evidence is intact.",
    "certificate.invalid": "Warning: this certificate does not verify.",
    "certificate.checked": "{count} step(s) checked by their SHA-256 fingerprint.",
    "certificate.sku": "Item",
    "certificate.received": "Received",
    "certificate.inspection": "Inspection",
    "certificate.quarantine": "Quarantine",
    "certificate.quarantine_value": "{hours} h, from {from} to {until}",
    "certificate.sanitization": "Sanitization",
    "certificate.restocked": "Back on sale",
    "certificate.ledger": "Ledger (fingerprints)",
    "certificate.how": "Every step is written to a chained ledger: changing one step changes every later fingerprint and the certificate number.",
    "material.fabric": "fabric", "material.paper": "paper", "material.cardboard": "cardboard", "material.leather": "leather",
    "material.wood": "wood", "material.glass": "glass", "material.plastic": "plastic", "material.metal": "metal", "material.other": "other",
    "method.steam": "steam", "method.uv_c": "UV-C", "method.ozone": "ozone", "method.disinfectant": "disinfectant", "method.none": "none",
  },
});
