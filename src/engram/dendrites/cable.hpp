#pragma once
// The cable equation on a morphology: compartments, the Hines solver, time stepping.
//
//   c_m dv/dt = 1/(4 R_a d(x)) d/dx(d(x)^2 dv/dx) - i_ion + i_inj   (per unit membrane area;
//   d/(4 R_a) d2v/dx2 for a uniform diameter d), sealed (zero axial current) at free ends.
//
// Spatial discretisation (NEURON's, so that results compare with it segment for segment):
// each section is cut into nseg segments of equal length; a compartment (node) sits at each
// segment's centre and carries the segment's membrane area (capacitance, density
// mechanisms). Each section also has a node of zero area at its x = 1 end, and the root
// section one at its x = 0 end; a section's x = 0 end is its parent's node at parent_x (the
// parent's end node for 0 or 1, else the centre of the parent's segment that contains
// parent_x). Neighbouring nodes are coupled by the axial resistance of the cable between
// them, Ra x integral dx / (pi r^2) (half a segment to a section end). Node numbering puts
// sections in order and each section's nodes from x = 0 to 1, so a node's parent always has
// a smaller index (the Hines order).
//
// Time stepping (NEURON's fixed step, secondorder 0 or 2): per step of dt from t to t + dt,
//  1. every mechanism linearises its current at v(t) with its states as they are (gates
//     half a step ahead of v: the staggered scheme), point processes at t + dt/2;
//  2. one linear tree solve, by Hines' method, of
//        (cj C + G_mech + A) u = cj C v(t) + G_mech v(t) - i_mech(v(t)) + i_inj
//     (C capacitance, A the axial conductance matrix), with cj = 1/dt: backward Euler,
//     v(t + dt) = u (first order, L-stable); or cj = 2/dt: Crank-Nicolson, u = v(t + dt/2)
//     and v(t + dt) = 2u - v(t) (second order);
//  3. mechanisms advance their states over dt with rates at the new v.
// Zero-area nodes have no capacitance: their rows are the algebraic condition that the
// axial currents into them (and any point process there) sum to zero. Under Crank-Nicolson
// NEURON extrapolates them as 2u - v(t) like the other nodes, which after a discontinuous
// stimulus rings +-; engram sets them to their algebraic value at t + dt (the same
// dynamics everywhere else, since their old value enters no other equation).
//
// Units: um, cm (uF/cm2), Ra (ohm cm), densities S/cm2; inside: nF, uS, nA, mV, ms.
// The hot loop (step) allocates nothing: SoA arrays, one loop per mechanism.
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engram/dendrites/mechanism.hpp"
#include "engram/dendrites/mechanisms/iclamp.hpp"
#include "engram/dendrites/mechanisms/seclamp.hpp"
#include "engram/dendrites/mechanisms/synapse.hpp"
#include "engram/dendrites/morphology.hpp"

namespace engram::dendrites {

struct SectionProperties {
  double cm = 1.0;   // uF/cm2
  double ra = 35.4;  // ohm cm (NEURON's default)
  int nseg = 1;
};

// NEURON's d_lambda rule: nseg = int((L / (d_lambda lambda_f) + round_up) / 2) * 2 + 1, the
// odd number of segments that makes each at most d_lambda of the AC length constant at
// `frequency`. round_up 0.999 is NEURON's CellBuilder (celbild/celgeom.hoc, shipped with
// NEURON); 0.9 is fixnseg.hoc of the NEURON book.
struct DLambda {
  double d_lambda = 0.1;
  double frequency = 100.0;  // Hz
  double round_up = 0.999;
};

// NEURON's lambda_f(frequency) (stdlib.hoc), um: 1e5 sqrt(diam / (4 pi f Ra cm)) for a
// uniform section; for 3-D points, L over the section's electrotonic length summed point to
// point, sum(dx / sqrt(d1 + d2)) sqrt(2) 1e-5 sqrt(4 pi f Ra cm).
double lambda_f(const Section& s, double ra, double cm, double frequency = 100.0);
int d_lambda_nseg(const Section& s, double ra, double cm, const DLambda& rule = {});

// Where a mechanism goes: sections by type and/or index, and a range of path distance from
// the root's centre (of the segment centre). Empty lists mean any.
struct Region {
  std::vector<SectionType> types{};
  std::vector<int> sections{};
  double min_distance = 0;  // um
  double max_distance = std::numeric_limits<double>::infinity();

  static Region all() { return {}; }
  static Region of_type(SectionType t) { return {.types = {t}}; }
  static Region section(int s) { return {.sections = {s}}; }
  bool contains(const Section& s, int index, double distance) const;
};

// A parameter of an inserted mechanism: a constant, or a function of the path distance (um)
// of the segment centre from the root's centre.
struct ParamValue {
  std::string name{};
  double value = 0;
  std::function<double(double distance_um)> of_distance{};
  double at(double distance_um) const { return of_distance ? of_distance(distance_um) : value; }
};

// Inserts a mechanism on the segments of a region. Insertions apply in order: a segment
// covered twice has the mechanism once, with the parameters of the later insertion
// overriding those it names.
struct MechanismInsertion {
  std::string mechanism{};
  Region region{};
  std::vector<ParamValue> params{};
};

// A cell, as plain data: morphology, cable properties per section, mechanisms, stimuli.
struct CellSpec {
  Morphology morphology;
  std::vector<SectionProperties> properties;  // one per section
  std::vector<MechanismInsertion> mechanisms;
  std::vector<IClamp> iclamps;
  std::vector<SEClamp> seclamps;  // voltage clamps
  std::vector<Synapse> synapses;  // indexed in this order by CableCell::deliver
  double v_init = -65.0;          // mV

  CellSpec() = default;
  explicit CellSpec(Morphology m, SectionProperties defaults = {});
  // Sets every section's nseg by the d_lambda rule from its own cm and ra.
  void apply_d_lambda(const DLambda& rule = {});
  void insert(std::string mechanism, Region where = Region::all(),
              std::vector<ParamValue> params = {});
  // Index of a section by name; InputError (with a "did you mean") when there is none.
  int section(std::string_view name) const;
};

// The compartments of a discretised cell (see the top of this file).
struct Compartments {
  std::vector<int32_t> parent;   // parent node, -1 for node 0
  std::vector<double> g_axial;   // uS, axial conductance to the parent (0 for node 0)
  std::vector<double> area;      // um2 (0 for section-end nodes)
  std::vector<double> cap;       // nF
  std::vector<double> distance;  // um, path distance from the root's centre
  std::vector<int32_t> section;  // section of the node
  std::vector<double> x;         // position on it
  // per section
  std::vector<int32_t> nseg, first_centre, start_node, end_node;

  size_t size() const { return parent.size(); }
  // The node of a location: x = 0 and 1 the end nodes, else the centre of the segment
  // containing x.
  int32_t node(Location where) const;
};

// Checks the properties (one per section, cm > 0, ra > 0, nseg >= 1) and discretises.
Compartments discretise(const Morphology& m, std::span<const SectionProperties> props);

enum class Integrator { backward_euler, crank_nicolson };

class CableCell {
 public:
  // Validates the spec (InputError naming the item), discretises, places mechanisms and
  // clamps and initialises: v = v_init everywhere, states at their steady state, t = 0.
  CableCell(const CellSpec& spec, double dt, Integrator method = Integrator::crank_nicolson);

  void initialize();
  // One step of dt; allocation-free.
  void step();
  // One step of each cell (bitwise the same as step() on each): the tree solves of cells of
  // the same shape run interleaved (hines_solve_batch).
  static void step_batch(std::span<CableCell* const> cells);
  // Steps until time() reaches t_stop (to within dt/2).
  void run(double t_stop);

  double time() const { return static_cast<double>(steps_) * dt_; }
  double dt() const { return dt_; }
  int64_t steps() const { return steps_; }
  std::span<const double> v() const { return v_; }
  double v(Location where) const { return v_[static_cast<size_t>(comp_.node(where))]; }
  int32_t node(Location where) const { return comp_.node(where); }
  const Compartments& compartments() const { return comp_; }
  // nA, the current of each voltage clamp (spec order) in the last step, NEURON's SEClamp.i.
  std::span<const double> seclamp_current() const { return seclamps_.current(); }
  // A spike of `weight` (uS) at synapse k (CellSpec::synapses order), taking effect in the
  // next step (NEURON's fixed-step delivery: an event at t reaches the step that starts at t).
  void deliver(size_t synapse, double weight) { synapses_.deliver(synapse, weight); }
  // A current (nA, positive depolarising) injected at `node` during the next step only, as
  // a current clamp that is constant over the step (the network's current stimuli).
  void inject(int32_t node, double current) {
    inject_node_ = node;
    inject_ = current;
  }
  const SynapseSet& synapses() const { return synapses_; }
  // The inserted mechanism of that name, or null.
  const Mechanism* mechanism(std::string_view name) const;

 private:
  void assemble();  // the step's linear system at v(t)
  void finish();    // v(t + dt) from the solution; states advanced
  Compartments comp_;
  double dt_;
  Integrator method_;
  double v_init_;
  int64_t steps_ = 0;
  std::vector<double> v_, d_, rhs_, d_base_, cjc_, lower_;
  std::vector<std::string> mech_names_;
  std::vector<std::unique_ptr<Mechanism>> mechs_;
  IClampSet clamps_;
  SEClampSet seclamps_;
  SynapseSet synapses_;
  int32_t inject_node_ = 0;
  double inject_ = 0;  // nA, for the next step (inject())
  // zero-area nodes (Crank-Nicolson): neighbours and conductances in CSR form
  std::vector<int32_t> zero_node_, zero_first_, zero_nb_;
  std::vector<double> zero_g_, zero_d_, zero_rhs_;
};

}  // namespace engram::dendrites
