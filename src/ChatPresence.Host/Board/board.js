// Chat presence board: sign-in (cookie session + XSRF token), then a live board from Presence/Stream.
// Plain JavaScript, no build step; served with a CSP that forbids inline script and style.
'use strict';

(() => {
  const TEXTS = {
    en: {
      title: 'Chat presence', skip: 'Skip to the board', signInTitle: 'Sign in', userName: 'User name', password: 'Password',
      signIn: 'Sign in', signOut: 'Sign out', boardTitle: 'Presence board', you: 'You', filter: 'Filter agents',
      present: 'Present', away: 'Away', goPresent: 'Go present', goAway: 'Go away', setPresent: 'Set {0} present', setAway: 'Set {0} away',
      chats: '{0} chats', oneChat: '1 chat', noChats: 'No chats', open: 'Open', closed: 'Closed', alwaysOpen: 'Always open',
      closedToday: 'Closed today', today: 'Today {0}', noTopic: 'In no topic', summary: '{0} of {1} present',
      nowPresent: '{0} is now present', nowAway: '{0} is now away', topicOpened: '{0} opened', topicClosed: '{0} closed',
      live: 'Live', reconnecting: 'Reconnecting…', signedOut: 'You were signed out.', failed: 'Something went wrong. Try again.',
      nobody: 'No agents', makePresent: 'Set present', makeAway: 'Set away', youMark: '(you)', signedInAs: 'Signed in as {0}', agents: '{0} agents',
    },
    no: {
      title: 'Chat-tilstedeværelse', skip: 'Gå til tavlen', signInTitle: 'Logg inn', userName: 'Brukernavn', password: 'Passord',
      signIn: 'Logg inn', signOut: 'Logg ut', boardTitle: 'Tilstedeværelsestavle', you: 'Du', filter: 'Filtrer agenter',
      present: 'Til stede', away: 'Borte', goPresent: 'Bli til stede', goAway: 'Gå borte', setPresent: 'Sett {0} til stede', setAway: 'Sett {0} borte',
      chats: '{0} chatter', oneChat: '1 chat', noChats: 'Ingen chatter', open: 'Åpen', closed: 'Stengt', alwaysOpen: 'Alltid åpen',
      closedToday: 'Stengt i dag', today: 'I dag {0}', noTopic: 'Uten emne', summary: '{0} av {1} til stede',
      nowPresent: '{0} er nå til stede', nowAway: '{0} er nå borte', topicOpened: '{0} åpnet', topicClosed: '{0} stengte',
      live: 'Direkte', reconnecting: 'Kobler til igjen…', signedOut: 'Du ble logget ut.', failed: 'Noe gikk galt. Prøv igjen.',
      nobody: 'Ingen agenter', makePresent: 'Sett til stede', makeAway: 'Sett borte', youMark: '(deg)', signedInAs: 'Logget inn som {0}', agents: '{0} agenter',
    },
    sv: {
      title: 'Chattnärvaro', skip: 'Hoppa till tavlan', signInTitle: 'Logga in', userName: 'Användarnamn', password: 'Lösenord',
      signIn: 'Logga in', signOut: 'Logga ut', boardTitle: 'Närvarotavla', you: 'Du', filter: 'Filtrera agenter',
      present: 'Närvarande', away: 'Borta', goPresent: 'Bli närvarande', goAway: 'Gå borta', setPresent: 'Sätt {0} som närvarande', setAway: 'Sätt {0} som borta',
      chats: '{0} chattar', oneChat: '1 chatt', noChats: 'Inga chattar', open: 'Öppen', closed: 'Stängd', alwaysOpen: 'Alltid öppen',
      closedToday: 'Stängt i dag', today: 'I dag {0}', noTopic: 'Utan ämne', summary: '{0} av {1} närvarande',
      nowPresent: '{0} är nu närvarande', nowAway: '{0} är nu borta', topicOpened: '{0} öppnade', topicClosed: '{0} stängde',
      live: 'Live', reconnecting: 'Ansluter igen…', signedOut: 'Du loggades ut.', failed: 'Något gick fel. Försök igen.',
      nobody: 'Inga agenter', makePresent: 'Sätt närvarande', makeAway: 'Sätt borta', youMark: '(du)', signedInAs: 'Inloggad som {0}', agents: '{0} agenter',
    },
    da: {
      title: 'Chat-tilstedeværelse', skip: 'Gå til tavlen', signInTitle: 'Log ind', userName: 'Brugernavn', password: 'Adgangskode',
      signIn: 'Log ind', signOut: 'Log ud', boardTitle: 'Tilstedeværelsestavle', you: 'Dig', filter: 'Filtrer agenter',
      present: 'Til stede', away: 'Væk', goPresent: 'Bliv til stede', goAway: 'Gå væk', setPresent: 'Sæt {0} til stede', setAway: 'Sæt {0} væk',
      chats: '{0} chats', oneChat: '1 chat', noChats: 'Ingen chats', open: 'Åben', closed: 'Lukket', alwaysOpen: 'Altid åben',
      closedToday: 'Lukket i dag', today: 'I dag {0}', noTopic: 'Uden emne', summary: '{0} af {1} til stede',
      nowPresent: '{0} er nu til stede', nowAway: '{0} er nu væk', topicOpened: '{0} åbnede', topicClosed: '{0} lukkede',
      live: 'Live', reconnecting: 'Forbinder igen…', signedOut: 'Du blev logget ud.', failed: 'Noget gik galt. Prøv igen.',
      nobody: 'Ingen agenter', makePresent: 'Sæt til stede', makeAway: 'Sæt væk', youMark: '(dig)', signedInAs: 'Logget ind som {0}', agents: '{0} agenter',
    },
    de: {
      title: 'Chat-Anwesenheit', skip: 'Zur Tafel springen', signInTitle: 'Anmelden', userName: 'Benutzername', password: 'Passwort',
      signIn: 'Anmelden', signOut: 'Abmelden', boardTitle: 'Anwesenheitstafel', you: 'Sie', filter: 'Agenten filtern',
      present: 'Anwesend', away: 'Abwesend', goPresent: 'Anwesend werden', goAway: 'Abwesend werden', setPresent: '{0} anwesend setzen', setAway: '{0} abwesend setzen',
      chats: '{0} Chats', oneChat: '1 Chat', noChats: 'Keine Chats', open: 'Geöffnet', closed: 'Geschlossen', alwaysOpen: 'Immer geöffnet',
      closedToday: 'Heute geschlossen', today: 'Heute {0}', noTopic: 'Ohne Thema', summary: '{0} von {1} anwesend',
      nowPresent: '{0} ist jetzt anwesend', nowAway: '{0} ist jetzt abwesend', topicOpened: '{0} geöffnet', topicClosed: '{0} geschlossen',
      live: 'Live', reconnecting: 'Verbindung wird wiederhergestellt…', signedOut: 'Sie wurden abgemeldet.', failed: 'Etwas ist schiefgegangen. Bitte erneut versuchen.',
      nobody: 'Keine Agenten', makePresent: 'Anwesend setzen', makeAway: 'Abwesend setzen', youMark: '(Sie)', signedInAs: 'Angemeldet als {0}', agents: '{0} Agenten',
    },
  };

  const language = (() => {
    for (const tag of navigator.languages || [navigator.language || 'en']) {
      const primary = String(tag).toLowerCase().split('-')[0];
      if (primary === 'nb' || primary === 'nn') return 'no';
      if (TEXTS[primary]) return primary;
    }
    return 'en';
  })();
  const T = TEXTS[language];
  const text = (key, ...args) => (T[key] || TEXTS.en[key] || key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));

  // API paths relative to the page: /api/v1/ at /, /acme/api/v1/ at /acme/.
  const base = location.pathname.replace(/[^/]*$/, '');
  const api = (path) => base + 'api/v1/' + path;

  const $ = (id) => document.getElementById(id);
  const el = (tag, className, content) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  };

  const state = { me: null, rows: new Map(), topics: new Map(), source: null, pending: new Set(), filter: '' };

  function xsrfToken() {
    const match = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
    return match ? decodeURIComponent(match.slice('XSRF-TOKEN='.length)) : '';
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json', 'X-XSRF-TOKEN': xsrfToken() };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(api(path), {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch { data = null; }
    }
    return { ok: response.ok, status: response.status, data };
  }

  function announce(message) {
    const line = el('p', null, message);
    const announcer = $('announcer');
    announcer.append(line);
    while (announcer.childElementCount > 5) announcer.firstElementChild.remove();
  }

  // ---- sign-in / sign-out ----

  function showSignIn(message) {
    stopStream();
    state.me = null;
    state.rows.clear();
    state.topics.clear();
    $('board').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    const error = $('sign-in-error');
    error.hidden = !message;
    error.textContent = message || '';
    $('password').value = '';
    $('user-name').focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const button = event.submitter || $('sign-in-form').querySelector('button');
    button.disabled = true;
    try {
      const reply = await call('POST', 'Login', { UserName: $('user-name').value.trim(), Password: $('password').value });
      if (!reply.ok) {
        showSignIn((reply.data && reply.data.ErrorMessage) || text('failed'));
        return;
      }
      await openBoard();
    } catch {
      showSignIn(text('failed'));
    } finally {
      button.disabled = false;
    }
  }

  async function signOut() {
    try { await call('POST', 'Logout'); } catch { /* the session ends anyway when the cookie goes */ }
    showSignIn('');
  }

  // ---- board ----

  async function openBoard() {
    const reply = await call('GET', 'Presence/Board');
    if (!reply.ok) {
      showSignIn(reply.status === 401 ? '' : text('failed'));
      return false;
    }
    state.me = reply.data;
    setTopics(reply.data.Topics);
    $('sign-in').hidden = true;
    $('board').hidden = false;
    $('who').hidden = false;
    $('who-name').textContent = text('signedInAs', state.me.DisplayName);
    startStream();
    return true;
  }

  function setTopics(topics) {
    state.topics.clear();
    for (const topic of topics) state.topics.set(topic.TopicId, topic);
  }

  function startStream() {
    stopStream();
    const source = new EventSource(api('Presence/Stream'));
    state.source = source;
    source.addEventListener('open', () => setConnection('live'));
    source.addEventListener('snapshot', (e) => {
      state.rows.clear();
      for (const row of JSON.parse(e.data)) state.rows.set(row.UserId, row);
      render();
    });
    source.addEventListener('presence', (e) => {
      const row = JSON.parse(e.data);
      const before = state.rows.get(row.UserId);
      state.pending.delete(row.UserId);
      if (row.Removed) {
        state.rows.delete(row.UserId);
      } else {
        state.rows.set(row.UserId, row);
        if (before && before.Present !== row.Present) {
          announce(text(row.Present ? 'nowPresent' : 'nowAway', row.DisplayName));
        }
      }
      render();
    });
    source.addEventListener('topic', (e) => {
      const topic = JSON.parse(e.data);
      const before = state.topics.get(topic.TopicId);
      if (topic.Removed) state.topics.delete(topic.TopicId); else state.topics.set(topic.TopicId, topic);
      if (before && before.Open !== topic.Open) announce(text(topic.Open ? 'topicOpened' : 'topicClosed', topic.Name));
      render();
    });
    source.addEventListener('end', () => {
      stopStream();
      showSignIn(text('signedOut'));
    });
    source.addEventListener('error', async () => {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. the session is gone): find out whether we are still signed in.
        stopStream();
        if (!(await openBoard().catch(() => false))) return;
      } else {
        setConnection('reconnecting');
      }
    });
  }

  function stopStream() {
    if (state.source) state.source.close();
    state.source = null;
  }

  function setConnection(status) {
    const node = $('connection');
    node.textContent = text(status);
    node.className = 'connection ' + status;
  }

  const writable = (row) => {
    const present = row.FieldProperties && row.FieldProperties.Present;
    return Boolean(present && present.FieldRight && /\bWrite\b/.test(present.FieldRight.Mask));
  };

  async function toggle(row) {
    state.pending.add(row.UserId);
    render();
    try {
      const reply = await call('POST', 'Presence/SaveAll', [{ UserId: row.UserId, Present: !row.Present }]);
      if (!reply.ok) {
        state.pending.delete(row.UserId);
        announce((reply.data && reply.data.ErrorMessage) || text('failed'));
        if (reply.status === 401) showSignIn(text('signedOut'));
        render();
      }
      // On success the stream's presence event updates the row.
    } catch {
      state.pending.delete(row.UserId);
      announce(text('failed'));
      render();
    }
  }

  function chatsText(count) {
    if (!count) return text('noChats');
    return count === 1 ? text('oneChat') : text('chats', count);
  }

  // inCard: a row in a topic card; the caller's own row there has no button (the "You" card has it).
  function agentItem(row, own, inCard) {
    const item = el('li', 'agent' + (row.Present ? ' is-present' : ' is-away') + (own ? ' is-me' : ''));
    item.dataset.userId = String(row.UserId);
    const dot = el('span', 'dot');
    dot.setAttribute('aria-hidden', 'true');
    const name = el('span', 'name', row.DisplayName);
    if (own && inCard) name.append(' ', el('span', 'you', text('youMark')));
    const status = el('span', 'status', text(row.Present ? 'present' : 'away'));
    const chats = el('span', 'chats' + (row.OngoingChats ? ' busy' : ''), chatsText(row.OngoingChats));
    item.append(dot, name, status, chats);
    if (writable(row) && !(own && inCard)) {
      const button = el('button', 'toggle' + (row.Present ? '' : ' primary'));
      button.type = 'button';
      button.setAttribute('aria-pressed', row.Present ? 'true' : 'false');
      if (own) {
        button.textContent = text(row.Present ? 'goAway' : 'goPresent');
      } else {
        button.textContent = text(row.Present ? 'makeAway' : 'makePresent');
        button.setAttribute('aria-label', text(row.Present ? 'setAway' : 'setPresent', row.DisplayName));
      }
      button.disabled = state.pending.has(row.UserId);
      button.addEventListener('click', () => toggle(row));
      item.append(button);
    }
    return item;
  }

  function hoursText(topic) {
    if (topic.AlwaysOpen) return text('alwaysOpen');
    if (!topic.Today.length) return text('closedToday');
    return text('today', topic.Today.map((p) => p.From + '–' + p.To).join(', '));
  }

  function topicCard(title, topic, rows) {
    const card = el('section', 'topic card');
    const head = el('header', 'topic-head');
    const heading = el('h3', null, title);
    head.append(heading);
    if (topic) {
      const badge = el('span', 'badge ' + (topic.Open ? 'open' : 'closed'), text(topic.Open ? 'open' : 'closed'));
      head.append(badge);
      head.append(el('p', 'hours', hoursText(topic)));
    }
    const present = rows.filter((r) => r.Present).length;
    head.append(el('p', 'count', text('summary', present, rows.length)));
    card.append(head);
    if (!rows.length) {
      card.append(el('p', 'empty', text('nobody')));
      return card;
    }
    const list = el('ul', 'agents');
    for (const row of rows) list.append(agentItem(row, state.me && row.UserId === state.me.UserId, true));
    card.append(list);
    return card;
  }

  function render() {
    if (!state.me) return;

    // Keep keyboard focus on the same control across re-renders.
    const focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest('[data-user-id]') : null;
    const focusKey = focused
      ? { user: focused.dataset.userId, inMe: Boolean(focused.closest('#me')), card: [...document.querySelectorAll('.topic')].indexOf(focused.closest('.topic')) }
      : null;

    const me = state.rows.get(state.me.UserId);
    const meRow = $('me-row');
    meRow.replaceChildren();
    if (me) {
      const list = el('ul', 'agents');
      list.append(agentItem(me, true, false));
      meRow.append(list);
    }
    $('me').hidden = !me;

    const filter = state.filter.toLowerCase();
    const rows = [...state.rows.values()]
      .filter((r) => !filter || (r.DisplayName || '').toLowerCase().includes(filter))
      .sort((a, b) => (a.UserId === state.me.UserId ? -1 : b.UserId === state.me.UserId ? 1 : 0)
        || Number(b.Present) - Number(a.Present)
        || (a.DisplayName || '').localeCompare(b.DisplayName || '', language));

    const all = [...state.rows.values()];
    $('summary').textContent = text('summary', all.filter((r) => r.Present).length, all.length);

    const cards = [];
    for (const topic of [...state.topics.values()].sort((a, b) => a.Name.localeCompare(b.Name, language))) {
      cards.push(topicCard(topic.Name, topic, rows.filter((r) => (r.ChatTopics || []).includes(topic.TopicId))));
    }
    const loose = rows.filter((r) => !(r.ChatTopics || []).some((id) => state.topics.has(id)));
    if (loose.length) cards.push(topicCard(text('noTopic'), null, loose));
    $('topics').replaceChildren(...cards);

    if (focusKey) {
      const scope = focusKey.inMe ? $('me') : document.querySelectorAll('.topic')[focusKey.card];
      const target = scope && scope.querySelector(`[data-user-id="${focusKey.user}"] button`);
      if (target) target.focus();
    }
  }

  // ---- start ----

  function applyTexts() {
    document.documentElement.lang = language;
    document.title = text('title');
    for (const node of document.querySelectorAll('[data-text]')) node.textContent = text(node.dataset.text);
  }

  document.addEventListener('DOMContentLoaded', async () => {
    applyTexts();
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('filter').addEventListener('input', (e) => { state.filter = e.target.value.trim(); render(); });
    const signedIn = xsrfToken() ? await openBoard().catch(() => false) : false;
    if (!signedIn) showSignIn('');
  });
})();
