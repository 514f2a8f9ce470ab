// A node-soap server for wsdl/Services86-Chat.wsdl: the same contract and the same users as the host, served the
// way a node-soap implementation would (objects in, node-soap's serializer out). A benchmark peer, not a product.
// Usage: node server.js WSDL USERS.tsv PORT   (USERS.tsv: id, display name, ongoing chats, topic ids; from
// bench/make-directory.py). Tickets are not checked: the peer measures serving the contract, not authentication.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const soap = require(path.join(__dirname, 'node_modules', 'soap'));

const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services86';
const [wsdlPath, usersPath, port] = process.argv.slice(2);

const users = fs.readFileSync(usersPath, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [id, displayName, ongoingChats, topics] = line.split('\t');
  return { id: Number(id), displayName, ongoingChats: Number(ongoingChats), present: false, topics: topics ? topics.split(',').map(Number) : [] };
});
const byId = new Map(users.map((u) => [u.id, u]));

// What the host returns to an administrator: every row updatable, Present the one writable field.
const field = (key, mask, type, length) => ({ Key: key, Value: { FieldRight: { Mask: mask, Reason: '' }, FieldType: type, FieldLength: length } });
const row = (u) => ({
  TableRight: { Mask: 'Select Update', Reason: '' },
  FieldProperties: {
    FieldPropertyDictionaryKeyValuePair: [
      field('UserId', 'Read UIHintReadOnly', 'System.Int32', 0),
      field('DisplayName', 'Read UIHintReadOnly', 'System.String', 255),
      field('OngoingChats', 'Read UIHintReadOnly', 'System.Int32', 0),
      field('Present', 'Read Write', 'System.Boolean', 0),
      field('ChatTopics', 'Read UIHintReadOnly', 'System.Int32[]', 0),
    ],
  },
  UserId: u.id,
  DisplayName: u.displayName,
  OngoingChats: u.ongoingChats,
  Present: u.present,
  ChatTopics: { int: u.topics },
});

const asArray = (x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);
const operations = {
  GetChatPresence: () => ({ Response: { ChatPresence: users.map(row) } }),
  SaveChatPresence: (args) => {
    for (const p of asArray(args && args.ChatPresence && args.ChatPresence.ChatPresence)) {
      const u = byId.get(Number(p.UserId));
      if (u) u.present = p.Present === true || p.Present === 'true';
    }
    return {};
  },
  IsWithinOpeningHours: () => ({ Response: true }),
};
const services = { WcfChatService: { BasicHttpBinding_Chat: operations, Soap12Binding_Chat: operations } };

const server = http.createServer((req, res) => {
  res.statusCode = 404;
  res.end();
});
server.keepAliveTimeout = 60000;
const soapServer = soap.listen(server, { path: '/Remote/Services86/Chat.svc', services, xml: fs.readFileSync(wsdlPath, 'utf8') });
const nil = (name) => `<${name} xmlns="${NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:nil="true"/>`;
soapServer.addSoapHeader(nil('ExceptionInfo'));
soapServer.addSoapHeader(nil('ExtraInfo'));
soapServer.addSoapHeader(`<Succeeded xmlns="${NS}">true</Succeeded>`);
soapServer.addSoapHeader(nil('TimeZone'));
server.listen(Number(port), '127.0.0.1', () => console.log(`node-soap peer listening on 127.0.0.1:${port} with ${users.length} users`));
