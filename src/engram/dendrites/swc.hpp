#pragma once
// SWC morphology files (Cannon et al. 1998; the NeuroMorpho.org standard).
//
// One sample per line: `id type x y z radius parent`, whitespace separated, `#` starts a
// comment (a whole line or the rest of a line). id: an integer >= 0, unique; type: 0
// undefined, 1 soma, 2 axon, 3 basal dendrite, 4 apical dendrite, 5 fork point, 6 end
// point, 7 custom (the standard 0-7), and >= 8 custom types, accepted with a note; x, y, z,
// radius in um, radius > 0; parent: the id of another sample, or -1 for the root. The
// samples form one tree: exactly one root, every parent present, no cycles (a parent may be
// listed after its child).
//
// Conversion to sections (NEURON's and Arbor's conventions where they agree):
//  - A soma given as one sample (a sphere of radius r), or as NeuroMorpho's three-point soma
//    (the root and two soma samples at distance ~r, the standard since 2014), becomes the
//    section "soma": a cylinder of length = diameter = 2r, the area of the sphere. Every
//    non-soma child of these samples attaches at soma(0.5) and its section begins at its own
//    first sample (the soma sphere is not part of the dendrite).
//  - Otherwise samples are joined into unbranched sections of one type: a section ends at a
//    sample with several children, with no child, or whose only child has another type. The
//    root section follows the root's first child of the same type; the root's other children
//    attach at root(0). Every other section attaches at its parent's x = 1 and begins at its
//    parent sample's position (a frustum from there), with the parent's diameter when the
//    types agree and with its own first diameter when they do not.
//  - Names as NEURON: soma (or soma[i]), axon[i], dend[i], apic[i], and for the other types
//    undefined[i], fork[i], end[i], custom[i], type<k>[i].
// Errors are InputError with the file and line: a field that is not a number (or not an
// integer for id, type and parent), a wrong number of fields, a duplicate id, a missing
// parent, a cycle, a non-positive radius, a negative type, several roots (disconnected
// trees), no samples, a section of zero length.
#include <string>
#include <string_view>
#include <vector>

#include "engram/dendrites/morphology.hpp"

namespace engram::dendrites {

struct SwcSample {
  long id = 0;
  int type = 0;
  double x = 0, y = 0, z = 0, radius = 0;  // um
  long parent = -1;
  uint32_t line = 0;
};

struct SwcMorphology {
  Morphology morphology;
  std::vector<SwcSample> samples;  // in file order
  std::vector<std::string> notes;  // what the reader assumed (custom types, soma form)
};

// Parses SWC text; `file` names it in messages.
SwcMorphology parse_swc(std::string_view text, const std::string& file = "<swc>");
// Reads and parses an SWC file.
SwcMorphology load_swc(const std::string& path);

}  // namespace engram::dendrites
