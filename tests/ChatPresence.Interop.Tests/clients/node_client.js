// node-soap client for the interop tests.
// Usage: node node_client.js CHAT_WSDL PRINCIPAL_WSDL VERSION(11|12) SCENARIO USER PASSWORD
// Scenarios: login, get, save, isopen, badticket, compressed. Prints one JSON object.
'use strict';
const path = require('path');
const soap = require(path.join(__dirname, 'node_modules', 'soap'));
const axios = require(path.join(__dirname, 'node_modules', 'axios'));

// axios (node-soap's HTTP client) decodes gzip/br and then drops Content-Encoding from the parsed headers; the raw
// headers of the last reply keep it.
let lastContentEncoding = null;
const http = axios.create();
http.interceptors.response.use((response) => {
  const raw = (response.request && response.request.res && response.request.res.rawHeaders) || [];
  const at = raw.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'content-encoding');
  lastContentEncoding = at >= 0 ? raw[at + 1] : null;
  return response;
});

const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services86';
const [chatWsdl, principalWsdl, version, scenario, user, password] = process.argv.slice(2);
const soap12 = version === '12';
const port = (service) => (soap12 ? 'Soap12Binding_' : 'BasicHttpBinding_') + service;
const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const envelopeNamespace = (xml) => (/<(?:[\w-]+:)?Envelope[^>]*xmlns(?::[\w-]+)?="([^"]+)"/.exec(xml) || [])[1];

function call(client, serviceName, operation, args, headers, httpHeaders) {
  client.clearSoapHeaders();
  for (const header of headers) client.addSoapHeader(header);
  const method = client[serviceName][port(serviceName === 'WcfChatService' ? 'Chat' : 'SoPrincipal')][operation];
  return new Promise((resolve, reject) => {
    method(args, (err, result, rawResponse, soapHeader) => (err ? reject(err) : resolve({ result, rawResponse, soapHeader })), {}, httpHeaders);
  });
}

const appToken = `<ApplicationToken xmlns="${NS}">interop</ApplicationToken>`;
const credentials = (ticket) => [appToken, `<Credentials xmlns="${NS}"><Ticket>${escape(ticket)}</Ticket></Credentials>`];
const asArray = (x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const rows = (result) => asArray(result && result.Response && result.Response.ChatPresence);
const ownRow = (list, id) => list.find((r) => Number(r.UserId) === id);
const bool = (x) => x === true || x === 'true';

async function main() {
  const options = { forceSoap12Headers: soap12, request: http };
  const chat = await soap.createClientAsync(chatWsdl, options);
  const principal = await soap.createClientAsync(principalWsdl, options);
  const out = { client: 'node-soap', version, scenario };
  if (scenario === 'badticket') {
    const { soapHeader, rawResponse } = await call(chat, 'WcfChatService', 'GetChatPresence', {}, credentials('7T:not-a-valid-ticket'));
    out.responseEnvelope = envelopeNamespace(rawResponse);
    out.succeeded = bool(soapHeader.Succeeded);
    out.message = soapHeader.ExceptionInfo.Message;
    out.exceptionType = soapHeader.ExceptionInfo.ExceptionType;
    const trace = soapHeader.ExceptionInfo.StackTrace;
    out.stackTrace = trace && typeof trace === 'object' ? null : trace === undefined ? null : trace;
  } else {
    const login = await call(principal, 'WcfSoPrincipalService', 'AuthenticateUsernamePassword', { UserName: user, Password: password }, [appToken]);
    const response = login.result.Response;
    out.responseEnvelope = envelopeNamespace(login.rawResponse);
    out.authenticated = bool(response.AuthenticationSucceeded);
    const ticket = response.Credentials.Ticket;
    const userId = Number(response.Response.AssociateId);
    out.userId = userId;
    out.ticketPrefix = ticket.substring(0, 3);
    if (scenario === 'get') {
      const { result, soapHeader } = await call(chat, 'WcfChatService', 'GetChatPresence', {}, credentials(ticket));
      out.succeeded = bool(soapHeader.Succeeded);
      const list = rows(result);
      out.userIds = list.map((r) => Number(r.UserId));
      const own = ownRow(list, userId);
      out.ownMask = Array.isArray(own.TableRight.Mask) ? own.TableRight.Mask.join(' ') : own.TableRight.Mask;
      out.ownTopics = asArray(own.ChatTopics && own.ChatTopics.int).map(Number);
    } else if (scenario === 'save') {
      const first = await call(chat, 'WcfChatService', 'GetChatPresence', {}, credentials(ticket));
      const before = bool(ownRow(rows(first.result), userId).Present);
      const saved = await call(chat, 'WcfChatService', 'SaveChatPresence', { ChatPresence: { ChatPresence: [{ UserId: userId, Present: !before }] } }, credentials(ticket));
      out.succeeded = bool(saved.soapHeader.Succeeded);
      const second = await call(chat, 'WcfChatService', 'GetChatPresence', {}, credentials(ticket));
      out.before = before;
      out.after = bool(ownRow(rows(second.result), userId).Present);
    } else if (scenario === 'compressed') {
      // node-soap sends "Accept-Encoding: none" unless told otherwise; its HTTP client (axios) decodes gzip and br.
      const acceptEncoding = 'gzip, deflate, br';
      const { result, soapHeader } = await call(chat, 'WcfChatService', 'GetChatPresence', {}, credentials(ticket), { 'Accept-Encoding': acceptEncoding });
      out.succeeded = bool(soapHeader.Succeeded);
      out.userIds = rows(result).map((r) => Number(r.UserId));
      out.acceptEncoding = acceptEncoding;
      out.contentEncoding = lastContentEncoding;
    } else if (scenario === 'isopen') {
      const { result, soapHeader } = await call(chat, 'WcfChatService', 'IsWithinOpeningHours', { ChatTopicId: 1 }, credentials(ticket));
      out.succeeded = bool(soapHeader.Succeeded);
      out.open = bool(result.Response);
    }
  }
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  if (err && err.body) console.error(err.body);
  process.exit(1);
});
