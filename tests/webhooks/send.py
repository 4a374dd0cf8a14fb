"""Sends signed webhooks to a receiver as the vendors' own libraries sign them (tests/tests/webhook_senders.rs).

usage: send.py BASE_URL

For each scheme it posts a genuine webhook, one whose body changed after signing, and (where the scheme signs
a timestamp) one signed ten minutes ago, then prints `<scheme> <case> <status>` per request. The signers are
the vendors' libraries from PyPI (tests/requirements.txt): standardwebhooks, stripe and twilio.
"""

import datetime
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from standardwebhooks.webhooks import Webhook
import stripe
from twilio.request_validator import RequestValidator

STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_test_secret"
TWILIO_TOKEN = "12345"


def post(url, body, headers):
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def standard(base, case):
    body = '{"type": "endpoint.created", "data": {"appId": "app_1", "endpointId": "ep_1"}}'
    when = datetime.datetime.now(tz=datetime.timezone.utc)
    if case == "stale":
        when -= datetime.timedelta(minutes=10)
    signature = Webhook(STANDARD_SECRET).sign("msg_" + case, when, body)
    headers = {
        "content-type": "application/json",
        "webhook-id": "msg_" + case,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": signature,
    }
    if case == "tampered":
        body = body.replace("ep_1", "ep_2")
    return post(base + "/standard", body, headers)


def stripe_(base, case):
    body = '{\n  "id": "evt_1",\n  "object": "event",\n  "type": "customer.created"\n}'
    t = int(time.time()) - (600 if case == "stale" else 0)
    signature = stripe.WebhookSignature._compute_signature("%d.%s" % (t, body), STRIPE_SECRET)
    headers = {"content-type": "application/json", "stripe-signature": "t=%d,v1=%s" % (t, signature)}
    if case == "tampered":
        body = body.replace("evt_1", "evt_2")
    return post(base + "/stripe", body, headers)


def twilio(base, case):
    url = base + "/twilio?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "From": "+12349013030", "To": "+18005551212", "Digits": "1234"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
    if case == "tampered":
        params["Digits"] = "9999"
    headers = {"content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature}
    return post(url, urllib.parse.urlencode(params), headers)


def main():
    base = sys.argv[1].rstrip("/")
    for scheme, send, cases in [
        ("standard", standard, ["genuine", "tampered", "stale"]),
        ("stripe", stripe_, ["genuine", "tampered", "stale"]),
        ("twilio", twilio, ["genuine", "tampered"]),
    ]:
        for case in cases:
            print(scheme, case, send(base, case), flush=True)


main()
