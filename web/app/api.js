// Calls to the services through the edge. Errors arrive as RFC 9457 problem+json and leave as
// ApiError, whose message is the problem's detail, fit to show a person.
import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || t("common.error"));
    this.status = status;
    this.problem = problem;
  }

  /** Field name -> message, from a 422's `errors` list. */
  get fieldErrors() {
    return Object.fromEntries((this.problem.errors || []).map((error) => [error.field, error.message]));
  }
}

export async function api(path, { method = "GET", body, token, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: t("common.error"), detail: t("common.unavailable") });
  }
  const type = response.headers.get("content-type") || "";
  const payload = type.includes("json") ? await response.json().catch(() => ({})) : {};
  if (!response.ok) {
    if (response.status >= 502) throw new ApiError(response.status, { ...payload, detail: t("common.unavailable") });
    throw new ApiError(response.status, payload);
  }
  return payload;
}
