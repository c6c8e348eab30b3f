// The cable solver against Rall's analytic results for a passive finite cable with sealed
// ends, against NEURON's discretisation (d_lambda rule, segment areas and resistances,
// voltage traces), its order of convergence in time, and its input errors.
//
// Rall (1959, 1967); Koch (1999) ch. 2; shared/VALIDATION.md section 12. For a cylinder of
// diameter d, membrane resistance R_m = 1/g_pas, axial resistivity R_i:
//   r_a = 4 R_i / (pi d^2) (ohm/cm),  lambda = sqrt(d R_m / (4 R_i)),  tau_m = R_m C_m,
//   sealed-end input resistance at x = 0:  R_in = r_a lambda coth(L/lambda),
//   steady state, current at x = 0:        V(x)/V(0) = cosh((L - x)/lambda) / cosh(L/lambda),
//   transients: V(x, t) = sum_n B_n cos(n pi x / L) exp(-t/tau_n),
//               tau_0 = tau_m (the isopotential decay), tau_n = tau_m / (1 + (n pi lambda/L)^2).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <numbers>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/cable.hpp"
#include "neuron_models.hpp"

namespace engram::dendrites {
namespace {

constexpr double kPi = std::numbers::pi;

// The cable of VALIDATION.md section 12 (Brian2's rall.py): d 1 um, R_i 150 ohm cm, g_pas
// 1e-4 S/cm2 (R_m 10 kOhm cm2), C_m 1 uF/cm2; lambda = 408.2 um, tau_m = 10 ms.
struct Rall {
  double length;  // um
  double diam = 1.0, ri = 150.0, gm = 1e-4, cm = 1.0, e = -65.0;
  double lambda_um() const { return std::sqrt(diam * 1e-4 / (gm * 4 * ri)) * 1e4; }
  double r_inf_mohm() const {  // r_a lambda, MOhm
    const double d_cm = diam * 1e-4;
    return 4 * ri / (kPi * d_cm * d_cm) * lambda_um() * 1e-4 * 1e-6;
  }
  double r_in_mohm() const { return r_inf_mohm() / std::tanh(length / lambda_um()); }
  double attenuation(double x_um) const {
    const double lam = lambda_um();
    return std::cosh((length - x_um) / lam) / std::cosh(length / lam);
  }
  double tau_m() const { return cm / gm * 1e-3; }  // uF/cm2 / (S/cm2) = us -> ms

  CellSpec spec(int nseg, double amp, double dur = 1e12, double v_init = -65.0) const {
    Morphology m;
    m.add({.name = "cable", .length = length, .diam = diam});
    CellSpec c(std::move(m), {.cm = cm, .ra = ri, .nseg = nseg});
    c.insert("pas", Region::all(), {{"g", gm}, {"e", e}});
    if (amp != 0) c.iclamps.push_back({.where = {0, 0.0}, .delay = 0.0, .dur = dur, .amp = amp});
    c.v_init = v_init;
    return c;
  }
};

// The steady state of the discrete system: one backward Euler step of 1e9 ms (the
// capacitive terms are 1e-9 of the conductances, i.e. the steady state to ~1e-11 relative).
CableCell steady_state(const CellSpec& c) {
  CableCell cell(c, 1e9, Integrator::backward_euler);
  cell.step();
  return cell;
}

TEST(Cable, RallInputResistanceSealedEnd) {
  const double amp = 0.02;  // nA
  for (double length : {300.0, 1000.0}) {
    const Rall r{length};
    CellSpec spec = r.spec(1, amp);
    spec.apply_d_lambda();
    const int nseg_dl = spec.properties[0].nseg;
    for (int nseg : {nseg_dl, 101}) {
      spec.properties[0].nseg = nseg;
      const CableCell cell = steady_state(spec);
      const double r_in = (cell.v({0, 0.0}) - r.e) / amp;  // mV / nA = MOhm
      const double err = std::fabs(r_in / r.r_in_mohm() - 1);
      std::cout << fmt::format(
          "Rall R_in, L {} um (lambda {:.1f} um), nseg {}: {:.3f} MOhm vs {:.3f}, error {:.2e}\n",
          length, r.lambda_um(), nseg, r_in, r.r_in_mohm(), err);
      EXPECT_LT(err, nseg == 101 ? 1e-4 : 1e-2);
    }
  }
  // the numbers of VALIDATION.md section 12
  EXPECT_NEAR(Rall{300}.lambda_um(), 408.2, 0.05);
  EXPECT_NEAR(Rall{300}.r_in_mohm(), 1245, 0.5);
  EXPECT_NEAR(Rall{1000}.r_in_mohm(), 791.4, 0.05);
}

TEST(Cable, RallSteadyStateAttenuation) {
  for (double length : {300.0, 1000.0}) {
    const Rall r{length};
    CellSpec spec = r.spec(1, 0.02);
    spec.apply_d_lambda();
    const int nseg_dl = spec.properties[0].nseg;
    for (int nseg : {nseg_dl, 101}) {
      spec.properties[0].nseg = nseg;
      const CableCell cell = steady_state(spec);
      const Compartments& c = cell.compartments();
      const double v0 = cell.v({0, 0.0}) - r.e;
      double worst = 0;
      for (size_t k = 0; k < c.size(); ++k) {
        const double ratio = (cell.v()[k] - r.e) / v0;
        worst = std::max(worst, std::fabs(ratio / r.attenuation(c.x[k] * length) - 1));
      }
      const double end = (cell.v({0, 1.0}) - r.e) / v0;
      std::cout << fmt::format(
          "Rall V(x)/V(0), L {} um, nseg {}: V(L)/V(0) {:.5f} vs {:.5f}; max error over the "
          "{} nodes {:.2e}\n",
          length, nseg, end, r.attenuation(length), c.size(), worst);
      EXPECT_LT(worst, nseg == 101 ? 1e-4 : 1e-2);
    }
  }
  EXPECT_NEAR(Rall{300}.attenuation(300), 0.77981, 1e-5);
  EXPECT_NEAR(Rall{1000}.attenuation(1000), 0.17140, 1e-5);
}

TEST(Cable, RallSteadyStateReachedInTime) {
  // the same steady state by time stepping: 200 ms = 20 tau_m at dt 0.025 ms
  const Rall r{300};
  CellSpec spec = r.spec(1, 0.02);
  spec.apply_d_lambda();
  for (Integrator m : {Integrator::backward_euler, Integrator::crank_nicolson}) {
    CableCell cell(spec, 0.025, m);
    cell.run(200.0);
    const double r_in = (cell.v({0, 0.0}) - r.e) / 0.02;
    const double err = std::fabs(r_in / r.r_in_mohm() - 1);
    std::cout << fmt::format("Rall R_in by time stepping ({}): error {:.2e}\n",
                             m == Integrator::backward_euler ? "backward Euler" : "Crank-Nicolson",
                             err);
    EXPECT_LT(err, 1e-2);
  }
}

// Slope of ln(y) against t over the samples with t in [t0, t1] (least squares): -1/tau.
double fitted_tau(const std::vector<double>& y, double dt, double t0, double t1) {
  double n = 0, st = 0, sy = 0, stt = 0, sty = 0;
  for (size_t k = 0; k < y.size(); ++k) {
    const double t = static_cast<double>(k) * dt;
    if (t < t0 - 1e-9 || t > t1 + 1e-9) continue;
    const double ly = std::log(y[k]);
    n += 1;
    st += t;
    sy += ly;
    stt += t * t;
    sty += t * ly;
  }
  const double slope = (n * sty - st * sy) / (n * stt - st * st);
  return -1.0 / slope;
}

TEST(Cable, MembraneTimeConstantIsopotentialDecay) {
  // the whole cable starts 5 mV above e_pas and decays isopotentially with tau_m
  const Rall r{300};
  CellSpec spec = r.spec(1, 0.0, 0.0, r.e + 5.0);
  spec.apply_d_lambda();
  const double dt = 0.025;
  for (Integrator m : {Integrator::backward_euler, Integrator::crank_nicolson}) {
    CableCell cell(spec, dt, m);
    auto v = test_models::run_traces(cell, {{0, 0.0}, {0, 1.0}}, 50.0);
    for (auto& trace : v)
      for (double& x : trace) x -= r.e;
    const double tau = fitted_tau(v[0], dt, 5.0, 50.0);
    const double err = std::fabs(tau / r.tau_m() - 1);
    // and isopotential: both ends equal
    double spread = 0;
    for (size_t k = 0; k < v[0].size(); ++k)
      spread = std::max(spread, std::fabs(v[0][k] - v[1][k]));
    std::cout << fmt::format(
        "tau_m from the isopotential decay ({}): {:.5f} ms vs {}, error {:.2e}\n",
        m == Integrator::backward_euler ? "backward Euler" : "Crank-Nicolson", tau, r.tau_m(), err);
    EXPECT_LT(err, m == Integrator::backward_euler ? 2e-3 : 1e-5);
    EXPECT_LT(spread, 1e-9);
  }
}

TEST(Cable, RallEqualisingTimeConstantsAfterAPulse) {
  // 1 ms pulse at x = 0; late decay at x = 0: tau_0 = tau_m; after removing it, the first
  // equalising time constant tau_1 = tau_m / (1 + (pi lambda / L)^2) (Rall 1969)
  const Rall r{300};
  CellSpec spec = r.spec(1, 0.5, 1.0);
  spec.apply_d_lambda();
  const int nseg_dl = spec.properties[0].nseg;
  for (int nseg : {nseg_dl, 101}) {
    spec.properties[0].nseg = nseg;
    const double dt = 0.005;
    CableCell cell(spec, dt, Integrator::crank_nicolson);
    auto v = test_models::run_traces(cell, {{0, 0.0}}, 60.0)[0];
    for (double& x : v) x -= r.e;
    const double tau0 = fitted_tau(v, dt, 30.0, 60.0);
    const double t_ref = 30.0;
    const double a0 = v[static_cast<size_t>(std::llround(t_ref / dt))];
    std::vector<double> rest(v.size());
    for (size_t k = 0; k < v.size(); ++k)
      rest[k] = v[k] - a0 * std::exp(-(static_cast<double>(k) * dt - t_ref) / tau0);
    const double tau1 = fitted_tau(rest, dt, 3.0, 5.0);
    const double tau1_theory = r.tau_m() / (1 + std::pow(kPi * r.lambda_um() / r.length, 2));
    const double e0 = std::fabs(tau0 / r.tau_m() - 1), e1 = std::fabs(tau1 / tau1_theory - 1);
    std::cout << fmt::format(
        "Rall tau_0 {:.5f} ms vs {} (error {:.2e}); tau_1 {:.5f} ms vs {:.5f} (error {:.2e}), "
        "nseg {}\n",
        tau0, r.tau_m(), e0, tau1, tau1_theory, e1, nseg);
    EXPECT_LT(e0, 1e-4);
    EXPECT_LT(e1, nseg == 101 ? 1e-3 : 1e-2);
  }
}

TEST(Cable, DLambdaRuleMatchesNeuron) {
  // tests/data/neuron/dendrite_d_lambda.csv: NEURON's lambda_f(100) and both nseg rules
  const auto rows = test_models::read_csv("dendrite_d_lambda.csv");
  for (const auto& row : rows) {
    SCOPED_TRACE(row[0] + " d_lambda " + row[6]);
    const double ra = std::stod(row[1]), cm = std::stod(row[2]);
    Section s{.name = row[0], .length = std::stod(row[3]), .diam = std::stod(row[4])};
    if (!row[5].empty()) {  // "arc:diam;arc:diam" on the x axis
      s.points.clear();
      std::stringstream pts(row[5]);
      std::string p;
      while (std::getline(pts, p, ';')) {
        const size_t colon = p.find(':');
        s.points.push_back({std::stod(p.substr(0, colon)), 0, 0, std::stod(p.substr(colon + 1))});
      }
      s.length = s.points.back().x;
    }
    const double dl = std::stod(row[6]);
    EXPECT_NEAR(lambda_f(s, ra, cm), std::stod(row[7]), 1e-8 * std::stod(row[7]));
    EXPECT_EQ(d_lambda_nseg(s, ra, cm, {.d_lambda = dl}), std::stoi(row[8]));
    EXPECT_EQ(d_lambda_nseg(s, ra, cm, {.d_lambda = dl, .round_up = 0.9}), std::stoi(row[9]));
  }
  EXPECT_GE(rows.size(), 20u);
}

TEST(Cable, SegmentsMatchNeuron) {
  // every segment of the three reference cells: nseg, area, NEURON's ri (the resistance to
  // the parent node), path distance, and gnabar of the distance profile
  const auto rows = test_models::read_csv("dendrite_segments.csv");
  std::map<std::string, CellSpec> specs;
  for (const char* name : {"bs_pas", "bs_hh", "y"}) specs.emplace(name, test_models::model(name));
  for (const auto& row : rows) {
    const CellSpec& spec = specs.at(row[0]);
    const Location where = test_models::location(spec, row[1] + "(0.5)");
    SCOPED_TRACE(row[0] + " " + row[1] + " " + row[3]);
    const Compartments c = discretise(spec.morphology, spec.properties);
    const auto s = static_cast<size_t>(where.section);
    ASSERT_EQ(c.nseg[s], std::stoi(row[2]));
    const auto k = static_cast<size_t>(c.first_centre[s] + std::stoi(row[3]));
    EXPECT_NEAR(c.x[k], std::stod(row[4]), 1e-9);
    EXPECT_NEAR(c.area[k], std::stod(row[5]), 1e-8 * c.area[k]);
    EXPECT_NEAR(1.0 / c.g_axial[k], std::stod(row[6]), 1e-8 * std::stod(row[6]));
    EXPECT_NEAR(c.distance[k], std::stod(row[7]), 1e-9 * (1 + c.distance[k]));  // 10 digits
    if (row[0] == "bs_hh" && row[1] == "dend") {
      EXPECT_NEAR(0.12 * std::exp(-c.distance[k] / 300.0), std::stod(row[8]), 1e-9);
    }
  }
}

TEST(Cable, PassiveAndSpikeTracesMatchNeuron) {
  // bs_pas, 0-20 ms (one spike at 6.2 ms): v at soma(0.5), dend(0.5), dend(1) every 0.5 ms
  const auto rows = test_models::read_csv("dendrite_traces.csv");
  const CellSpec spec = test_models::bs_pas();
  const std::vector<Location> where = {{0, 0.5}, {1, 0.5}, {1, 1.0}};
  for (Integrator m : {Integrator::backward_euler, Integrator::crank_nicolson}) {
    CableCell cell(spec, 0.025, m);
    const auto v = test_models::run_traces(cell, where, 20.0);
    const size_t col = m == Integrator::backward_euler ? 1 : 4;
    double worst = 0;
    for (const auto& row : rows) {
      const auto k = static_cast<size_t>(std::llround(std::stod(row[0]) / 0.025));
      for (size_t j = 0; j < 3; ++j)
        worst = std::max(worst, std::fabs(v[j][k] - std::stod(row[col + j])));
    }
    std::cout << fmt::format("bs_pas v vs NEURON ({}), 0-20 ms: max difference {:.2e} mV\n",
                             m == Integrator::backward_euler ? "be" : "cn", worst);
    EXPECT_LT(worst, 1e-5);  // the csv has 1e-9 mV resolution
  }
}

TEST(Cable, CrankNicolsonIsSecondOrderBackwardEulerFirst) {
  // passive cable with a current step: v(0, 5 ms) at dt, dt/2, dt/4 against dt/64
  const Rall r{500};
  CellSpec spec = r.spec(21, 0.05, 3.0);
  auto v_at = [&](double dt, Integrator m) {
    CableCell cell(spec, dt, m);
    cell.run(5.0);
    return cell.v({0, 0.0});
  };
  for (Integrator m : {Integrator::backward_euler, Integrator::crank_nicolson}) {
    const double ref = v_at(0.1 / 64, m);
    const double e1 = std::fabs(v_at(0.1, m) - ref), e2 = std::fabs(v_at(0.05, m) - ref),
                 e4 = std::fabs(v_at(0.025, m) - ref);
    const double order = std::log2(std::sqrt(e1 / e4));
    std::cout << fmt::format("order in dt ({}): errors {:.2e} {:.2e} {:.2e}, order {:.2f}\n",
                             m == Integrator::backward_euler ? "be" : "cn", e1, e2, e4, order);
    EXPECT_NEAR(order, m == Integrator::backward_euler ? 1.0 : 2.0, 0.15);
  }
}

TEST(Cable, ZeroAreaNodeIsAlgebraicUnderCrankNicolson) {
  // the y cell's clamp sits on the tip of "left" (a zero-area node): from the clamp's onset
  // on, the tip is its neighbour plus amp / g at every step (NEURON's extrapolation 2u - v
  // would alternate around that value)
  const CellSpec spec = test_models::y_cell();
  CableCell cell(spec, 0.025, Integrator::crank_nicolson);
  const Compartments& c = cell.compartments();
  const auto tip = static_cast<size_t>(c.end_node[2]);
  const auto nb = static_cast<size_t>(c.parent[tip]);
  double worst = 0;
  while (cell.time() < 20.0) {
    cell.step();
    const double amp = cell.time() > 5.0 ? 0.1 : 0.0;
    worst = std::max(worst, std::fabs(cell.v()[tip] - cell.v()[nb] - amp / c.g_axial[tip]));
  }
  EXPECT_LT(worst, 1e-9);
}

TEST(Cable, InputErrors) {
  const auto expect_error = [](const CellSpec& spec, const std::string& key,
                               const std::string& text) {
    try {
      CableCell cell(spec, 0.025);
      ADD_FAILURE() << "no error for " << key;
    } catch (const InputError& e) {
      EXPECT_EQ(e.key_path(), key) << e.what();
      EXPECT_NE(e.message().find(text), std::string::npos) << e.what();
    }
  };
  const CellSpec good = test_models::bs_pas();
  {
    CellSpec s = good;
    s.properties[1].ra = 0;
    expect_error(s, "section 'dend'", "Ra must be > 0");
  }
  {
    CellSpec s = good;
    s.properties[0].nseg = 0;
    expect_error(s, "section 'soma'", "nseg must be");
  }
  {
    CellSpec s = good;
    s.insert("hhh");
    expect_error(s, "mechanisms[2] 'hhh'", "did you mean 'hh'");
  }
  {
    CellSpec s = good;
    s.insert("hh", Region::all(), {{"gnabr", 0.1}});
    expect_error(s, "mechanisms[2] 'hh'.gnabr", "did you mean 'gnabar'");
  }
  {
    CellSpec s = good;
    s.insert("pas", Region::all(),
             {{.name = "g", .of_distance = [](double d) { return 1e-4 - d * 1e-6; }}});
    expect_error(s, "mechanisms[2] 'pas'.g", "must be in [0, 1000000000] S/cm2");
  }
  {
    CellSpec s = good;
    s.insert("pas", {.min_distance = 1e6});
    expect_error(s, "mechanisms[2] 'pas'", "contains no segment");
  }
  {
    CellSpec s = good;
    s.iclamps.push_back({.where = {5, 0.5}, .dur = 1, .amp = 1});
    expect_error(s, "iclamps[1]", "section 5 does not exist");
  }
  {
    CellSpec s = good;
    s.iclamps.push_back({.where = {1, 1.5}, .dur = 1, .amp = 1});
    expect_error(s, "iclamps[1]", "x must be in [0, 1]");
  }
  EXPECT_THROW(good.section("dned"), InputError);
  EXPECT_THROW(CableCell(good, -1.0), InputError);
}

}  // namespace
}  // namespace engram::dendrites
