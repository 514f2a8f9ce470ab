<?php
// PHP SoapClient for the interop tests.
// Usage: php php_client.php CHAT_WSDL PRINCIPAL_WSDL VERSION(11|12) SCENARIO USER PASSWORD
// Scenarios: login, get, save, isopen, badticket, compressed. Prints one JSON object.
const NS = 'http://www.superoffice.net/ws/crm/NetServer/Services86';

[$self, $chatWsdl, $principalWsdl, $version, $scenario, $user, $password] = $argv;
$options = [
    'soap_version' => $version === '12' ? SOAP_1_2 : SOAP_1_1,
    'cache_wsdl' => WSDL_CACHE_NONE,
    'exceptions' => true,
    'trace' => true,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
];
if ($scenario === 'compressed') {
    // Accept gzip replies (requests stay plain: no level bits, so PHP does not compress what it sends).
    $options['compression'] = SOAP_COMPRESSION_ACCEPT | SOAP_COMPRESSION_GZIP;
}
$principal = new SoapClient($principalWsdl, $options);
$chat = new SoapClient($chatWsdl, $options);

function call(SoapClient $client, string $operation, array $parameters, array $headers): array
{
    $client->__setSoapHeaders($headers);
    $outputHeaders = [];
    $result = $client->__soapCall($operation, [$parameters], null, null, $outputHeaders);
    return [$result, $outputHeaders];
}

function credentials(string $ticket): array
{
    return [new SoapHeader(NS, 'ApplicationToken', 'interop'), new SoapHeader(NS, 'Credentials', ['Ticket' => $ticket])];
}

function rows($result): array
{
    return isset($result->Response->ChatPresence) ? $result->Response->ChatPresence : [];
}

function ownRow(array $rows, int $userId)
{
    foreach ($rows as $row) {
        if ((int)$row->UserId === $userId) {
            return $row;
        }
    }
    throw new RuntimeException("user $userId not listed");
}

$out = ['client' => 'php', 'version' => $version, 'scenario' => $scenario];
if ($scenario === 'badticket') {
    [$result, $headers] = call($chat, 'GetChatPresence', [], credentials('7T:not-a-valid-ticket'));
    $out['succeeded'] = (bool)$headers['Succeeded'];
    $out['message'] = $headers['ExceptionInfo']->Message;
    $out['exceptionType'] = $headers['ExceptionInfo']->ExceptionType;
    $out['stackTrace'] = $headers['ExceptionInfo']->StackTrace ?? null;
} else {
    [$login] = call($principal, 'AuthenticateUsernamePassword', ['UserName' => $user, 'Password' => $password], [new SoapHeader(NS, 'ApplicationToken', 'interop')]);
    $out['authenticated'] = (bool)$login->Response->AuthenticationSucceeded;
    $ticket = $login->Response->Credentials->Ticket;
    $userId = (int)$login->Response->Response->AssociateId;
    $out['userId'] = $userId;
    $out['ticketPrefix'] = substr($ticket, 0, 3);
    if ($scenario === 'get') {
        [$result, $headers] = call($chat, 'GetChatPresence', [], credentials($ticket));
        $out['succeeded'] = (bool)$headers['Succeeded'];
        $rows = rows($result);
        $out['userIds'] = array_map(fn ($r) => (int)$r->UserId, $rows);
        $own = ownRow($rows, $userId);
        $out['ownMask'] = is_array($own->TableRight->Mask) ? implode(' ', $own->TableRight->Mask) : $own->TableRight->Mask;
        $out['ownTopics'] = isset($own->ChatTopics->int) ? array_map('intval', (array)$own->ChatTopics->int) : [];
    } elseif ($scenario === 'save') {
        [$result] = call($chat, 'GetChatPresence', [], credentials($ticket));
        $before = (bool)ownRow(rows($result), $userId)->Present;
        [, $headers] = call($chat, 'SaveChatPresence', ['ChatPresence' => ['ChatPresence' => [['UserId' => $userId, 'Present' => !$before]]]], credentials($ticket));
        $out['succeeded'] = (bool)$headers['Succeeded'];
        [$result] = call($chat, 'GetChatPresence', [], credentials($ticket));
        $out['before'] = $before;
        $out['after'] = (bool)ownRow(rows($result), $userId)->Present;
    } elseif ($scenario === 'compressed') {
        [$result, $headers] = call($chat, 'GetChatPresence', [], credentials($ticket));
        $out['succeeded'] = (bool)$headers['Succeeded'];
        $out['userIds'] = array_map(fn ($r) => (int)$r->UserId, rows($result));
        preg_match('/^Accept-Encoding:\s*(.*?)\r?$/mi', (string)$chat->__getLastRequestHeaders(), $sent);
        preg_match('/^Content-Encoding:\s*(.*?)\r?$/mi', (string)$chat->__getLastResponseHeaders(), $got);
        $out['acceptEncoding'] = $sent[1] ?? null;
        $out['contentEncoding'] = $got[1] ?? null;
    } elseif ($scenario === 'isopen') {
        [$result, $headers] = call($chat, 'IsWithinOpeningHours', ['ChatTopicId' => 1], credentials($ticket));
        $out['succeeded'] = (bool)$headers['Succeeded'];
        $out['open'] = (bool)$result->Response;
    }
}
// The envelope namespace of the last reply (php-xml's DOM may be absent: a regex on the root element suffices).
$last = $chat->__getLastResponse() ?: $principal->__getLastResponse();
preg_match('/<(?:[\w-]+:)?Envelope[^>]*xmlns(?::[\w-]+)?="([^"]+)"/', (string)$last, $m);
$out['responseEnvelope'] = $m[1] ?? null;
echo json_encode($out), "\n";
