#!/usr/bin/python3
"""python3-zeep client for the interop tests.

Usage: zeep_client.py CHAT_WSDL PRINCIPAL_WSDL VERSION(11|12) SCENARIO USER PASSWORD
Scenarios: login, get, save, isopen, badticket, compressed. Prints one JSON object.
"""
import json
import sys

from zeep import Client
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

chat_wsdl, principal_wsdl, version, scenario, user, password = sys.argv[1:7]
suffix = "Soap12Binding_" if version == "12" else "BasicHttpBinding_"
history = HistoryPlugin()
# requests (zeep's HTTP) sends "Accept-Encoding: gzip, deflate" by default; the hook records what came back.
transport = Transport()
http_replies = []
transport.session.hooks["response"].append(lambda r, *args, **kwargs: http_replies.append(r))
principal = Client(principal_wsdl, plugins=[history]).bind("WcfSoPrincipalService", suffix + "SoPrincipal")
chat = Client(chat_wsdl, plugins=[history], transport=transport).bind("WcfChatService", suffix + "Chat")


def login():
    result = principal.AuthenticateUsernamePassword(UserName=user, Password=password, _soapheaders={"ApplicationToken": "interop"})
    response = result.body.Response
    return result, response


def headers(ticket):
    return {"Credentials": {"Ticket": ticket}, "ApplicationToken": "interop"}


def presence(ticket):
    result = chat.GetChatPresence(_soapheaders=headers(ticket))
    rows = result.body.Response.ChatPresence if result.body.Response is not None else []
    return result, rows


def own_row(rows, user_id):
    return next(r for r in rows if r.UserId == user_id)


out = {"client": "zeep", "version": version, "scenario": scenario}
if scenario == "badticket":
    result = chat.GetChatPresence(_soapheaders=headers("7T:not-a-valid-ticket"))
    out["succeeded"] = bool(result.header.Succeeded)
    out["message"] = result.header.ExceptionInfo.Message
    out["exceptionType"] = result.header.ExceptionInfo.ExceptionType
    out["stackTrace"] = result.header.ExceptionInfo.StackTrace
else:
    result, response = login()
    out["authenticated"] = bool(response.AuthenticationSucceeded)
    ticket = response.Credentials.Ticket
    user_id = response.Response.AssociateId
    out["userId"] = user_id
    out["ticketPrefix"] = ticket[:3]
    if scenario == "get":
        result, rows = presence(ticket)
        out["succeeded"] = bool(result.header.Succeeded)
        out["userIds"] = [r.UserId for r in rows]
        own = own_row(rows, user_id)
        out["ownMask"] = " ".join(own.TableRight.Mask) if isinstance(own.TableRight.Mask, list) else own.TableRight.Mask
        out["ownTopics"] = list(own.ChatTopics.int) if own.ChatTopics is not None else []
    elif scenario == "save":
        _, rows = presence(ticket)
        before = bool(own_row(rows, user_id).Present)
        item_type = chat._client.get_type("ns0:ChatPresence")
        array_type = chat._client.get_type("ns0:ArrayOfChatPresence")
        saved = chat.SaveChatPresence(ChatPresence=array_type(ChatPresence=[item_type(UserId=user_id, Present=not before)]), _soapheaders=headers(ticket))
        out["succeeded"] = bool(saved.header.Succeeded)
        _, rows = presence(ticket)
        out["before"] = before
        out["after"] = bool(own_row(rows, user_id).Present)
    elif scenario == "compressed":
        result, rows = presence(ticket)
        out["succeeded"] = bool(result.header.Succeeded)
        out["userIds"] = [r.UserId for r in rows]
        out["acceptEncoding"] = http_replies[-1].request.headers.get("Accept-Encoding")
        out["contentEncoding"] = http_replies[-1].headers.get("Content-Encoding")
    elif scenario == "isopen":
        result = chat.IsWithinOpeningHours(ChatTopicId=1, _soapheaders=headers(ticket))
        out["succeeded"] = bool(result.header.Succeeded)
        out["open"] = bool(result.body.Response)

out["responseEnvelope"] = history.last_received["envelope"].tag.split("}")[0].lstrip("{")
print(json.dumps(out, default=str))
