#pragma once
// The Hines (1984) solver: a linear system whose matrix has the sparsity of a tree, in O(n).
//
// Nodes are numbered so that every node's parent has a smaller index (parent[0] = -1, the
// root; parent[i] < i otherwise). Row i of the matrix has the diagonal d[i], the entry
// lower[i] in the column of i's parent, and upper[c] in the column of each child c of i:
//
//   A[i][i] = d[i],   A[i][parent[i]] = lower[i],   A[parent[i]][i] = upper[i].
//
// Elimination runs once from the leaves to the root (i = n-1 .. 1, each row folded into its
// parent's: no fill-in, since a node has one parent), back substitution once from the root
// to the leaves. No pivoting: the cable matrices are diagonally dominant (capacitive and
// membrane terms plus the axial conductances on the diagonal, minus the same conductances
// off it). In place and allocation-free: d is overwritten by the reciprocals of the
// eliminated diagonal, rhs by the solution. Hines M. (1984) Int J Biomed Comput 15:69-76.
#include <cstdint>
#include <span>

namespace engram::dendrites {

void hines_solve(std::span<const int32_t> parent, std::span<double> d,
                 std::span<const double> lower, std::span<const double> upper,
                 std::span<double> rhs);

// The same solve for up to kHinesBatch cells of one shape (the same parent array), their
// rows interleaved: each cell's elimination is a serial chain of divisions, and solving
// several at once lets the CPU overlap the chains (a network of small cells spent 40 % of its
// time waiting on them). Every cell gets exactly the operations of hines_solve, in the same
// order: the results are bitwise those of solving it alone. Symmetric matrices (upper =
// lower), as the cable's.
inline constexpr size_t kHinesBatch = 4;
void hines_solve_batch(std::span<const int32_t> parent, std::span<double* const> d,
                       std::span<const double* const> lower, std::span<double* const> rhs);

}  // namespace engram::dendrites
