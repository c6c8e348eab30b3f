#!/usr/bin/python3
"""Stationary rate of Brunel's (2000) model A from the mean-field (Siegert) equation.

    mu      = C_E J tau [nu_ext + nu (1 - g gamma)]
    sigma^2 = J^2 C_E tau [nu_ext + nu (1 + g^2 gamma)]
    1/nu    = tau_rp + tau sqrt(pi) ∫_{(V_r-mu)/sigma}^{(theta-mu)/sigma} e^{u^2} (1 + erf u) du

solved for nu by bisection. Used to set the expected rate in the validation test of the
asynchronous irregular state (tests/validation/brunel_test.cpp).

Usage: /usr/bin/python3 tools/brunel_siegert.py [--g 5 --eta 2 --CE 1000 --J 0.1 ...]
"""
import argparse
import math


def integrand(u):
    # e^{u^2}(1 + erf u) = erfcx(-u) for all u; for u << 0 use the asymptotic form to
    # avoid 0 * inf
    if u < -5:
        # erfc(x) e^{x^2} ~ 1/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)) with x = -u
        x = -u
        return (1 - 1 / (2 * x * x) + 3 / (4 * x ** 4)) / (x * math.sqrt(math.pi))
    return math.exp(u * u) * (1 + math.erf(u))


def siegert_rate(mu, sigma, theta, vr, tau, tau_rp, n=4000):
    a, b = (vr - mu) / sigma, (theta - mu) / sigma
    h = (b - a) / n
    s = integrand(a) + integrand(b)
    for k in range(1, n):
        s += (4 if k % 2 else 2) * integrand(a + k * h)
    integral = s * h / 3
    return 1.0 / (tau_rp + tau * math.sqrt(math.pi) * integral)


def brunel_rate(g, eta, CE=1000, gamma=0.25, J=0.1, tau=20e-3, theta=20.0, vr=10.0, tau_rp=2e-3):
    nu_thr = theta / (J * CE * tau)
    nu_ext = eta * nu_thr
    lo, hi = 0.0, 1.0 / tau_rp
    for _ in range(100):
        nu = 0.5 * (lo + hi)
        mu = CE * J * tau * (nu_ext + nu * (1 - g * gamma))
        sigma = math.sqrt(J * J * CE * tau * (nu_ext + nu * (1 + g * g * gamma)))
        out = siegert_rate(mu, sigma, theta, vr, tau, tau_rp)
        if out > nu:
            lo = nu
        else:
            hi = nu
    return 0.5 * (lo + hi)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--g", type=float, default=5.0)
    ap.add_argument("--eta", type=float, default=2.0)
    ap.add_argument("--CE", type=int, default=1000)
    ap.add_argument("--J", type=float, default=0.1)
    a = ap.parse_args()
    print(f"{brunel_rate(a.g, a.eta, a.CE, J=a.J):.4f} Hz")
