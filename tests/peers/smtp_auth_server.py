#!/usr/bin/python3
"""aiosmtpd requiring STARTTLS, then AUTH (PLAIN or LOGIN) as one user, writing a Maildir.

The aiosmtpd command line cannot ask for AUTH, hence this script (see smtp_peers.h).
usage: smtp_auth_server.py PORT MAILDIR CERT KEY USER PASSWORD
Runs until SIGTERM or SIGINT.
"""
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword


def main(port, maildir, cert, key, user, password):
    # Blocked before any thread starts, so only sigwait below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd answers 535 itself (by default it stays silent on failure).
        return AuthResult(success=ok, handled=False)

    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            tls_context=context, require_starttls=True, auth_required=True,
                            authenticator=authenticator)
    controller.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:7])
