// Consolidation (synapse.consolidation): each closed-form step against an independent
// numerical integration of its differential equation (RK4 with fine steps), and the error of
// the coarse update (tags and trigger held over an interval) against the full model
// integrated finely with the thresholds checked at every fine step.
#include <gtest/gtest.h>

#include <cmath>

#include "engram/plasticity/consolidation.hpp"

namespace engram {
namespace {

// The published parameter values (Li et al. 2016; Luboeinski & Tetzlaff 2021).
ConsolidationSpec published() {
  ConsolidationSpec s;
  s.enabled = true;
  return s;
}

// RK4 on (p, z) with the trigger and the tags fixed: tau_p dp/dt = -p + a,
// tau_z dz/dt = p (1 - z) (LTP tag) or -p (z + 1/2) (LTD tag); also returns ∫p (as a state).
struct Pz {
  double p, z, integral;
};
Pz rk4(const ConsolidationSpec& s, Pz y, double a, int tag, double span, int n) {
  auto f = [&](const Pz& v) {
    const double dz = tag > 0 ? v.p * (1 - v.z) : tag < 0 ? -v.p * (v.z + 0.5) : 0.0;
    return Pz{(-v.p + a) / s.tau_protein, dz / s.tau_late, v.p};
  };
  const double h = span / n;
  for (int i = 0; i < n; ++i) {
    const Pz k1 = f(y);
    const Pz k2 = f({y.p + h / 2 * k1.p, y.z + h / 2 * k1.z, 0});
    const Pz k3 = f({y.p + h / 2 * k2.p, y.z + h / 2 * k2.z, 0});
    const Pz k4 = f({y.p + h * k3.p, y.z + h * k3.z, 0});
    y.p += h / 6 * (k1.p + 2 * k2.p + 2 * k3.p + k4.p);
    y.z += h / 6 * (k1.z + 2 * k2.z + 2 * k3.z + k4.z);
    y.integral += h / 6 * (k1.integral + 2 * k2.integral + 2 * k3.integral + k4.integral);
  }
  return y;
}

// Fails if the protein's relaxation or its integral (which drives the late phase) is wrong,
// e.g. a missing (p - a) term or tau_p in the wrong place.
TEST(Consolidation, ProteinStepIsTheExactSolution) {
  const ConsolidationSpec s = published();
  for (bool on : {true, false})
    for (double p0 : {0.0, 0.3, 0.9}) {
      const double span = 30 * 60e3;  // 30 min
      const auto [p, integral] = Consolidation::protein_step(s, p0, on, span);
      const Pz ref = rk4(s, {p0, 0, 0}, on ? s.alpha : 0.0, 0, span, 20000);
      EXPECT_NEAR(p, ref.p, 1e-10) << on << " " << p0;
      EXPECT_NEAR(integral, ref.integral, 1e-6 * span) << on << " " << p0;
    }
}

// Fails if the late phase's targets (1 for LTP, -1/2 for LTD), its rate (p / tau_z) or the
// early phase's decay are wrong, or if an untagged synapse's late phase moves.
TEST(Consolidation, SynapseStepIsTheExactSolution) {
  const ConsolidationSpec s = published();
  const double span = 45 * 60e3;
  for (double d : {0.5, -0.5, 0.1}) {
    const int tag = d > s.theta_tag ? 1 : -d > s.theta_tag ? -1 : 0;
    for (double z0 : {0.0, 0.4}) {
      const Pz ref = rk4(s, {0.2, z0, 0}, s.alpha, tag, span, 20000);
      const auto [p, integral] = Consolidation::protein_step(s, 0.2, true, span);
      const auto st = Consolidation::synapse_step(s, d, z0, integral, span);
      EXPECT_NEAR(st.z, ref.z, 1e-9) << d << " " << z0;
      EXPECT_NEAR(st.d, d * std::exp(-span / s.tau_early), 1e-15);
      if (tag == 0) {
        EXPECT_EQ(st.z, z0);
      }
    }
  }
}

// The full model of one synapse on one target with the thresholds checked at every fine
// step (RK4 between): early change d, protein p, late z; returns z and d after `hours`.
Pz fine_model(const ConsolidationSpec& s, double d0, double hours) {
  const double h = 1000;  // 1 s
  double d = d0;
  Pz y{0, 0, 0};
  for (double t = 0; t < hours * 3.6e6; t += h) {
    const double a = std::fabs(d) > s.theta_pro ? s.alpha : 0.0;
    const int tag = d > s.theta_tag ? 1 : -d > s.theta_tag ? -1 : 0;
    y = rk4(s, y, a, tag, h, 1);
    d *= std::exp(-h / s.tau_early);
  }
  y.integral = d;
  return y;
}

// The coarse update (the engine's `interval`) against the fine model: an early change that
// starts at +150 % (strong tetanus) or +40 % (weak). The error comes from holding the tags
// and the trigger over an interval, so it shrinks with the interval; it fails if the coarse
// steps drift (a wrong order of updates, a double-counted interval).
TEST(Consolidation, CoarseStepsFollowTheFineModel) {
  for (double d0 : {1.5, 0.4}) {
    ConsolidationSpec s = published();
    const Pz ref = fine_model(s, d0, 8);
    for (double interval : {1000.0, 60e3}) {
      double d = d0, z = 0, p = 0;
      for (double t = 0; t < 8 * 3.6e6; t += interval) {
        const auto [p1, integral] =
            Consolidation::protein_step(s, p, std::fabs(d) > s.theta_pro, interval);
        const auto st = Consolidation::synapse_step(s, d, z, integral, interval);
        p = p1;
        d = st.d;
        z = st.z;
      }
      const double tol = interval < 2000 ? 1e-3 : 2e-2;
      EXPECT_NEAR(z, ref.z, tol) << d0 << " " << interval;
      EXPECT_NEAR(p, ref.p, tol) << d0 << " " << interval;
      EXPECT_NEAR(d, ref.integral, 1e-9) << d0 << " " << interval;
      if (d0 < s.theta_pro) {
        EXPECT_EQ(z, 0.0);  // weak alone: nothing consolidates
      }
    }
  }
}

}  // namespace
}  // namespace engram
