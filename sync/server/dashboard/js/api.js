// The server's session and report API (sync/server/reports/REPORTS.md). The session token lives in
// sessionStorage: it goes when the tab closes, and is never written to localStorage.

const KEY = 'hearth.dashboard.session';
const PROTOCOL = { 'Hearth-Protocol': '1' };

// An error a person can act on, with the server's status and code kept for the caller.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function currentSession() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

function forget() {
  sessionStorage.removeItem(KEY);
}

async function failure(response) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const messages = {
    400: 'The server could not read that request.',
    401: 'Your session has ended. Please sign in again.',
    403: 'Your account cannot see team reports.',
    404: 'No such team.',
    429: 'Too many sign-in attempts. Wait 15 minutes and try again.',
    503: 'The server is busy. Try again in a minute.',
  };
  const code = body.error || String(response.status);
  const message =
    response.status === 403 && code === 'disabled'
      ? 'This account is disabled.'
      : messages[response.status] || body.message || `The server answered ${response.status}.`;
  return new ApiError(response.status, code, message);
}

// Signs in; keeps {token, user, role, team, expires_at} for this tab.
export async function signIn(user, password) {
  const response = await fetch('/v1/session', {
    method: 'POST',
    headers: { ...PROTOCOL, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user, password }),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.status === 401) throw new ApiError(401, 'bad_credentials', 'That user name and password do not match.');
  if (!response.ok) throw await failure(response);
  const session = await response.json();
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

// Ends the session on the server too, so a copied token stops working.
export async function signOut() {
  const session = currentSession();
  forget();
  if (!session) return;
  try {
    await fetch('/v1/session', {
      method: 'DELETE',
      headers: { ...PROTOCOL, Authorization: `Bearer ${session.token}` },
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    // Offline: the token still expires on the server by itself.
  }
}

function reportUrl({ from, to, team }, format) {
  const q = new URLSearchParams();
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  if (team) q.set('team', team);
  q.set('format', format);
  return `/v1/reports?${q}`;
}

async function get(filters, format) {
  const session = currentSession();
  if (!session) throw new ApiError(401, 'unauthenticated', 'Please sign in.');
  const response = await fetch(reportUrl(filters, format), {
    headers: { ...PROTOCOL, Authorization: `Bearer ${session.token}` },
    credentials: 'omit',
    cache: 'no-store',
  });
  if (response.status === 401) forget();
  if (!response.ok) throw await failure(response);
  return response;
}

// The report as JSON for {from, to, team}.
export async function fetchReport(filters) {
  return (await get(filters, 'json')).json();
}

// The same report as CSV text.
export async function fetchReportCsv(filters) {
  return (await get(filters, 'csv')).text();
}
