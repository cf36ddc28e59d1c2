#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kahan.h"

namespace {

using Point = std::pair<double, double>;

// The segment lengths of a polyline; fewer than two points is an error.
std::vector<double> segments(const std::vector<Point> &points) {
    if (points.size() < 2) {
        throw std::invalid_argument("a polyline needs at least two points");
    }
    std::vector<double> out;
    out.reserve(points.size() - 1);
    for (std::size_t i = 1; i < points.size(); ++i) {
        out.push_back(std::hypot(points[i].first - points[i - 1].first,
                                 points[i].second - points[i - 1].second));
    }
    return out;
}

PyObject *length(PyObject *, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "length() takes a sequence of (x, y) pairs");
    if (seq == nullptr) {
        return nullptr;
    }
    std::vector<Point> points;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; ++i) {
        double x, y;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "dd", &x, &y)) {
            Py_DECREF(seq);
            return nullptr;
        }
        points.emplace_back(x, y);
    }
    Py_DECREF(seq);
    try {
        std::vector<double> parts = segments(points);
        return PyFloat_FromDouble(kahan_sum(parts.data(), parts.size()));
    } catch (const std::invalid_argument &e) {
        PyErr_SetString(PyExc_ValueError, e.what());
        return nullptr;
    }
}

PyMethodDef methods[] = {
    {"length", length, METH_O, "The length of a polyline given as (x, y) pairs."},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", nullptr, -1, methods};

}  // namespace

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
