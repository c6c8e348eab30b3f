#include "engram/dendrites/cable.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "engram/core/error.hpp"
#include "engram/dendrites/hines.hpp"

namespace engram::dendrites {
namespace {

constexpr double kPi = std::numbers::pi;
// uF/cm2 x um2 in nF (1e-8 cm2/um2 x 1e3 nF/uF)
constexpr double kCapToNanoFarad = 1e-5;
// ohm cm x (1/um) in MOhm: Ra [ohm cm] x integral dx/(pi r^2) [1/um] x 1e4 um/cm x 1e-6
constexpr double kAxialToMegaOhm = 1e-2;

std::string section_key(const Morphology& m, size_t s) {
  return fmt::format("section '{}'", m[s].name);
}

}  // namespace

double lambda_f(const Section& s, double ra, double cm, double frequency) {
  if (cm == 0) return 1e10;
  const double k = 4 * kPi * frequency * ra * cm;
  if (s.points.size() < 2) return 1e5 * std::sqrt(s.diam / k);
  const Profile p = profile_of(s);
  double lam = 0;
  for (size_t i = 1; i < p.arc.size(); ++i)
    lam += (p.arc[i] - p.arc[i - 1]) / std::sqrt(p.diam[i - 1] + p.diam[i]);
  lam *= std::sqrt(2.0) * 1e-5 * std::sqrt(k);
  return s.length / lam;
}

int d_lambda_nseg(const Section& s, double ra, double cm, const DLambda& rule) {
  const double n = s.length / (rule.d_lambda * lambda_f(s, ra, cm, rule.frequency));
  return static_cast<int>((n + rule.round_up) / 2) * 2 + 1;
}

bool Region::contains(const Section& s, int index, double distance) const {
  if (!types.empty() && std::find(types.begin(), types.end(), s.type) == types.end()) return false;
  if (!sections.empty() && std::find(sections.begin(), sections.end(), index) == sections.end())
    return false;
  return distance >= min_distance && distance <= max_distance;
}

CellSpec::CellSpec(Morphology m, SectionProperties defaults)
    : morphology(std::move(m)), properties(morphology.size(), defaults) {}

void CellSpec::apply_d_lambda(const DLambda& rule) {
  for (size_t s = 0; s < morphology.size(); ++s)
    properties[s].nseg = d_lambda_nseg(morphology[s], properties[s].ra, properties[s].cm, rule);
}

void CellSpec::insert(std::string mechanism, Region where, std::vector<ParamValue> params) {
  mechanisms.push_back({std::move(mechanism), std::move(where), std::move(params)});
}

int CellSpec::section(std::string_view name) const {
  const int s = morphology.find(name);
  if (s >= 0) return s;
  std::vector<std::string> names;
  for (const auto& sec : morphology.sections()) names.push_back(sec.name);
  const std::string hint = did_you_mean(name, names);
  throw InputError({}, fmt::format("section '{}'", name),
                   "no section of this name" + (hint.empty() ? "" : "; " + hint));
}

int32_t Compartments::node(Location where) const {
  const size_t s = static_cast<size_t>(where.section);
  if (where.x <= 0) return start_node[s];
  if (where.x >= 1) return end_node[s];
  const int k = std::min(static_cast<int>(where.x * nseg[s]), nseg[s] - 1);
  return first_centre[s] + k;
}

Compartments discretise(const Morphology& m, std::span<const SectionProperties> props) {
  if (m.empty()) throw InputError({}, "morphology", "a cell needs at least one section");
  if (props.size() != m.size())
    throw InputError(
        {}, "properties",
        fmt::format("one entry per section: {} sections, {} entries", m.size(), props.size()));
  for (size_t s = 0; s < m.size(); ++s) {
    const SectionProperties& p = props[s];
    if (!(p.cm > 0) || !std::isfinite(p.cm))
      throw InputError({}, section_key(m, s), fmt::format("cm must be > 0 uF/cm2, got {}", p.cm));
    if (!(p.ra > 0) || !std::isfinite(p.ra))
      throw InputError({}, section_key(m, s), fmt::format("Ra must be > 0 ohm cm, got {}", p.ra));
    if (p.nseg < 1 || p.nseg > 100000)
      throw InputError({}, section_key(m, s),
                       fmt::format("nseg must be 1..100000, got {}", p.nseg));
  }
  Compartments c;
  const size_t ns = m.size();
  c.nseg.resize(ns);
  c.first_centre.resize(ns);
  c.start_node.resize(ns);
  c.end_node.resize(ns);
  auto add_node = [&](int32_t parent, double g, double area, double cm, double dist, size_t s,
                      double x) {
    c.parent.push_back(parent);
    c.g_axial.push_back(g);
    c.area.push_back(area);
    c.cap.push_back(cm * area * kCapToNanoFarad);
    c.distance.push_back(dist);
    c.section.push_back(static_cast<int32_t>(s));
    c.x.push_back(x);
    return static_cast<int32_t>(c.parent.size() - 1);
  };
  for (size_t s = 0; s < ns; ++s) {
    const Section& sec = m[s];
    const SectionProperties& p = props[s];
    const Profile prof = profile_of(sec);
    const int n = p.nseg;
    const double L = sec.length, h = L / n;
    c.nseg[s] = n;
    // axial conductance (uS) of the cable between arc positions a and b
    auto g_between = [&](double a, double b) {
      return 1.0 / (p.ra * axial_integral(prof, a, b) * kAxialToMegaOhm);
    };
    int32_t prev;
    if (sec.parent < 0) {
      prev = add_node(-1, 0.0, 0.0, p.cm, m.distance(static_cast<int>(s), 0.0), s, 0.0);
    } else {
      prev = c.node({sec.parent, sec.parent_x});
    }
    c.start_node[s] = prev;
    double prev_arc = 0;
    for (int k = 0; k < n; ++k) {
      const double centre = (k + 0.5) * h;
      const double x = (k + 0.5) / n;
      const int32_t node =
          add_node(prev, g_between(prev_arc, centre), lateral_area(prof, k * h, (k + 1) * h), p.cm,
                   m.distance(static_cast<int>(s), x), s, x);
      if (k == 0) c.first_centre[s] = node;
      prev = node;
      prev_arc = centre;
    }
    c.end_node[s] = add_node(prev, g_between(prev_arc, L), 0.0, p.cm,
                             m.distance(static_cast<int>(s), 1.0), s, 1.0);
  }
  return c;
}

CableCell::CableCell(const CellSpec& spec, double dt, Integrator method)
    : comp_(discretise(spec.morphology, spec.properties)),
      dt_(dt),
      method_(method),
      v_init_(spec.v_init) {
  if (!(dt > 0) || !std::isfinite(dt))
    throw InputError({}, "dt", fmt::format("must be > 0 ms, got {}", dt));
  if (!std::isfinite(spec.v_init))
    throw InputError({}, "v_init", fmt::format("must be finite, got {}", spec.v_init));
  const Morphology& m = spec.morphology;
  const size_t n = comp_.size();

  // --- mechanisms: per node, which insertion's parameters apply ----------------------------------
  std::vector<std::string> known;
  for (const auto* info : all_mechanisms()) known.emplace_back(info->name);
  std::vector<const MechanismInfo*> infos;
  std::vector<std::vector<std::vector<double>>> values;  // [mechanism][param][node]
  std::vector<std::vector<char>> present;                // [mechanism][node]
  for (size_t i = 0; i < spec.mechanisms.size(); ++i) {
    const MechanismInsertion& ins = spec.mechanisms[i];
    const std::string key = fmt::format("mechanisms[{}] '{}'", i, ins.mechanism);
    const MechanismInfo* info = find_mechanism(ins.mechanism);
    if (!info) {
      const std::string hint = did_you_mean(ins.mechanism, known);
      throw InputError({}, key, "unknown mechanism" + (hint.empty() ? "" : "; " + hint));
    }
    for (int s : ins.region.sections)
      if (s < 0 || static_cast<size_t>(s) >= m.size())
        throw InputError({}, key,
                         fmt::format("region: section {} does not exist (0..{})", s, m.size() - 1));
    size_t j = std::find(infos.begin(), infos.end(), info) - infos.begin();
    if (j == infos.size()) {
      infos.push_back(info);
      values.emplace_back(info->params.size());
      for (size_t q = 0; q < info->params.size(); ++q)
        values.back()[q].assign(n, info->params[q].value);
      present.emplace_back(n, 0);
    }
    std::vector<size_t> param_index;
    std::vector<std::string> param_names;
    for (const auto& p : info->params) param_names.emplace_back(p.name);
    for (const auto& pv : ins.params) {
      const auto it = std::find(param_names.begin(), param_names.end(), pv.name);
      if (it == param_names.end()) {
        const std::string hint = did_you_mean(pv.name, param_names);
        throw InputError({}, key + "." + pv.name,
                         fmt::format("'{}' has no parameter of this name{}", info->name,
                                     hint.empty() ? "" : "; " + hint));
      }
      param_index.push_back(static_cast<size_t>(it - param_names.begin()));
    }
    size_t covered = 0;
    for (size_t k = 0; k < n; ++k) {
      if (comp_.area[k] <= 0) continue;
      const size_t s = static_cast<size_t>(comp_.section[k]);
      if (!ins.region.contains(m[s], static_cast<int>(s), comp_.distance[k])) continue;
      ++covered;
      present[j][k] = 1;
      for (size_t q = 0; q < ins.params.size(); ++q) {
        const MechanismParam& spec_q = info->params[param_index[q]];
        const double val = ins.params[q].at(comp_.distance[k]);
        const bool low = spec_q.min_open ? !(val > spec_q.min) : !(val >= spec_q.min);
        if (low || !(val <= spec_q.max) || !std::isfinite(val))
          throw InputError(
              {}, key + "." + ins.params[q].name,
              fmt::format("must be in {}{}, {}] {}, got {} (section '{}', x = {:.4g}, {:.4g} um "
                          "from the root's centre)",
                          spec_q.min_open ? "(" : "[", spec_q.min, spec_q.max, spec_q.unit, val,
                          m[s].name, comp_.x[k], comp_.distance[k]));
        values[j][param_index[q]][k] = val;
      }
    }
    if (covered == 0)
      throw InputError({}, key, "the region contains no segment: the insertion does nothing");
  }
  for (size_t j = 0; j < infos.size(); ++j) {
    MechanismSites sites;
    sites.params.resize(infos[j]->params.size());
    for (size_t k = 0; k < n; ++k) {
      if (!present[j][k]) continue;
      sites.node.push_back(static_cast<int32_t>(k));
      sites.area_um2.push_back(comp_.area[k]);
      for (size_t q = 0; q < sites.params.size(); ++q) sites.params[q].push_back(values[j][q][k]);
    }
    mechs_.push_back(infos[j]->create(std::move(sites)));
    mech_names_.emplace_back(infos[j]->name);
  }

  // --- point processes
  // -----------------------------------------------------------------------------
  for (size_t i = 0; i < spec.iclamps.size(); ++i) {
    const IClamp& c = spec.iclamps[i];
    const std::string key = fmt::format("iclamps[{}]", i);
    if (c.where.section < 0 || static_cast<size_t>(c.where.section) >= m.size())
      throw InputError(
          {}, key, fmt::format("section {} does not exist (0..{})", c.where.section, m.size() - 1));
    if (!(c.where.x >= 0 && c.where.x <= 1))
      throw InputError({}, key, fmt::format("x must be in [0, 1], got {}", c.where.x));
    if (!(c.dur >= 0) || !std::isfinite(c.delay) || !std::isfinite(c.amp))
      throw InputError({}, key,
                       fmt::format("needs a finite delay and amp and dur >= 0 ms, got delay {}, "
                                   "dur {}, amp {}",
                                   c.delay, c.dur, c.amp));
    clamps_.add(comp_.node(c.where), c);
  }
  for (size_t i = 0; i < spec.seclamps.size(); ++i) {
    const SEClamp& c = spec.seclamps[i];
    const std::string key = fmt::format("seclamps[{}]", i);
    if (c.where.section < 0 || static_cast<size_t>(c.where.section) >= m.size())
      throw InputError(
          {}, key, fmt::format("section {} does not exist (0..{})", c.where.section, m.size() - 1));
    if (!(c.where.x >= 0 && c.where.x <= 1))
      throw InputError({}, key, fmt::format("x must be in [0, 1], got {}", c.where.x));
    if (!(c.rs > 0) || !std::isfinite(c.rs))
      throw InputError({}, key + ".rs", fmt::format("must be > 0 MOhm, got {}", c.rs));
    for (size_t l = 0; l < 3; ++l)
      if (!(c.dur[l] >= 0) || !std::isfinite(c.dur[l]) || !std::isfinite(c.amp[l]))
        throw InputError({}, fmt::format("{}.level{}", key, l + 1),
                         fmt::format("needs dur >= 0 ms and a finite amp, got dur {}, amp {}",
                                     c.dur[l], c.amp[l]));
    seclamps_.add(comp_.node(c.where), c);
  }
  for (size_t i = 0; i < spec.synapses.size(); ++i) {
    const Synapse& syn = spec.synapses[i];
    const std::string key = fmt::format("synapses[{}] ({})", i, synapse_kind_name(syn.kind));
    if (syn.where.section < 0 || static_cast<size_t>(syn.where.section) >= m.size())
      throw InputError(
          {}, key,
          fmt::format("section {} does not exist (0..{})", syn.where.section, m.size() - 1));
    if (!(syn.where.x >= 0 && syn.where.x <= 1))
      throw InputError({}, key, fmt::format("x must be in [0, 1], got {}", syn.where.x));
    if (!(syn.tau2 > 0) || !std::isfinite(syn.tau2))
      throw InputError({}, key + ".tau2", fmt::format("must be > 0 ms, got {}", syn.tau2));
    if (!(syn.tau1 >= 0) || !(syn.tau1 <= syn.tau2))
      throw InputError({}, key + ".tau1",
                       fmt::format("must be in [0, tau2 = {}] ms, got {}", syn.tau2, syn.tau1));
    if (!std::isfinite(syn.e))
      throw InputError({}, key + ".e", fmt::format("must be finite, got {}", syn.e));
    if (!(syn.mg >= 0) || !std::isfinite(syn.mg))
      throw InputError({}, key + ".mg", fmt::format("must be >= 0 mM, got {}", syn.mg));
    synapses_.add(comp_.node(syn.where), syn, dt);
  }

  // --- matrix ----------------------------------------------------------------------------------
  const double cj = method_ == Integrator::backward_euler ? 1.0 / dt : 2.0 / dt;
  v_.assign(n, v_init_);
  d_.assign(n, 0.0);
  rhs_.assign(n, 0.0);
  cjc_.resize(n);
  lower_.resize(n);
  d_base_.assign(n, 0.0);
  for (size_t k = 0; k < n; ++k) {
    cjc_[k] = cj * comp_.cap[k];
    lower_[k] = -comp_.g_axial[k];
    d_base_[k] += cjc_[k];
    if (comp_.parent[k] >= 0) {
      d_base_[k] += comp_.g_axial[k];
      d_base_[static_cast<size_t>(comp_.parent[k])] += comp_.g_axial[k];
    }
  }
  // zero-area nodes and their neighbours
  std::vector<std::vector<std::pair<int32_t, double>>> nb(n);
  for (size_t k = 1; k < n; ++k) {
    const auto p = static_cast<size_t>(comp_.parent[k]);
    nb[k].push_back({comp_.parent[k], comp_.g_axial[k]});
    nb[p].push_back({static_cast<int32_t>(k), comp_.g_axial[k]});
  }
  for (size_t k = 0; k < n; ++k) {
    if (comp_.area[k] > 0) continue;
    zero_node_.push_back(static_cast<int32_t>(k));
    zero_first_.push_back(static_cast<int32_t>(zero_nb_.size()));
    for (const auto& [j, g] : nb[k]) {
      zero_nb_.push_back(j);
      zero_g_.push_back(g);
    }
  }
  zero_first_.push_back(static_cast<int32_t>(zero_nb_.size()));
  zero_rhs_.assign(zero_node_.size(), 0.0);
  zero_d_.assign(zero_node_.size(), 0.0);
  initialize();
}

void CableCell::initialize() {
  std::fill(v_.begin(), v_.end(), v_init_);
  for (auto& mech : mechs_) mech->initialize(v_.data());
  seclamps_.reset();
  synapses_.reset();
  inject_ = 0;
  steps_ = 0;
}

void CableCell::step() {
  assemble();
  hines_solve(comp_.parent, d_, lower_, lower_, rhs_);
  finish();
}

void CableCell::step_batch(std::span<CableCell* const> cells) {
  for (CableCell* c : cells) c->assemble();
  // cells of one shape (a population's) are solved a few at a time, interleaved
  double* d[kHinesBatch];
  const double* lo[kHinesBatch];
  double* rhs[kHinesBatch];
  for (size_t first = 0; first < cells.size();) {
    const auto& parent = cells[first]->comp_.parent;
    size_t m = 0;
    while (m < kHinesBatch && first + m < cells.size() &&
           (m == 0 || cells[first + m]->comp_.parent == parent)) {
      CableCell& c = *cells[first + m];
      d[m] = c.d_.data();
      lo[m] = c.lower_.data();
      rhs[m] = c.rhs_.data();
      ++m;
    }
    hines_solve_batch(parent, std::span(d, m), std::span(lo, m), std::span(rhs, m));
    first += m;
  }
  for (CableCell* c : cells) c->finish();
}

void CableCell::assemble() {
  const size_t n = v_.size();
  double* __restrict v = v_.data();
  double* __restrict d = d_.data();
  double* __restrict rhs = rhs_.data();
  const double* __restrict d0 = d_base_.data();
  const double* __restrict cjc = cjc_.data();
  for (size_t k = 0; k < n; ++k) {
    d[k] = d0[k];
    rhs[k] = cjc[k] * v[k];
  }
  for (auto& mech : mechs_) mech->add_current(v, d, rhs);
  const double t_mid = (static_cast<double>(steps_) + 0.5) * dt_;
  clamps_.add_current(t_mid, rhs);
  rhs[inject_node_] += inject_;
  inject_ = 0;
  seclamps_.add_conductance(t_mid, d, rhs);
  synapses_.add_current(v, d, rhs);
  const bool cn = method_ == Integrator::crank_nicolson;
  if (cn)
    for (size_t z = 0; z < zero_node_.size(); ++z) {
      // the row of a zero-area node: its axial conductances plus any voltage clamp's and
      // synapse's (linearised) conductance
      zero_rhs_[z] = rhs[zero_node_[z]];
      zero_d_[z] = d[zero_node_[z]];
    }
}

void CableCell::finish() {
  const size_t n = v_.size();
  double* __restrict v = v_.data();
  const double* __restrict rhs = rhs_.data();
  if (method_ == Integrator::crank_nicolson) {
    for (size_t k = 0; k < n; ++k) v[k] = 2.0 * rhs[k] - v[k];
    // zero-area nodes: the algebraic value at t + dt (see the top of cable.hpp)
    for (size_t z = 0; z < zero_node_.size(); ++z) {
      double sum = zero_rhs_[z];
      for (int32_t e = zero_first_[z]; e < zero_first_[z + 1]; ++e)
        sum += zero_g_[static_cast<size_t>(e)] * v[zero_nb_[static_cast<size_t>(e)]];
      v[zero_node_[z]] = sum / zero_d_[z];
    }
  } else {
    for (size_t k = 0; k < n; ++k) v[k] = rhs[k];
  }
  seclamps_.record(v);
  for (auto& mech : mechs_) mech->advance(v, dt_);
  synapses_.advance();
  ++steps_;
}

void CableCell::run(double t_stop) {
  while (time() < t_stop - 0.5 * dt_) step();
}

const Mechanism* CableCell::mechanism(std::string_view name) const {
  for (size_t j = 0; j < mechs_.size(); ++j)
    if (mech_names_[j] == name) return mechs_[j].get();
  return nullptr;
}

}  // namespace engram::dendrites
