"""Loopback ports for the daemons and servers the tests start.

Shared by conftest.py and natscluster.py (which bench/cluster_failover
runs outside pytest, so this module needs nothing but the standard
library).
"""
import random
import socket

# Ports the tests pick for a daemon to bind later come from below the
# kernel's ephemeral range (ip_local_port_range, 32768 and up by default):
# a port picked from that range may be handed to some outgoing connection
# (a client's own end) between the pick and the daemon's bind.
PICK_PORT_LOW = 20000
PICK_PORT_HIGH = 32767


def free_ports(n):
    """n distinct loopback ports free now, outside the ephemeral range
    (held open together while chosen)."""
    socks, ports = [], []
    while len(ports) < n:
        port = random.randint(PICK_PORT_LOW, PICK_PORT_HIGH)
        if port in ports:
            continue
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        socks.append(s)
        ports.append(port)
    for s in socks:
        s.close()
    return ports
