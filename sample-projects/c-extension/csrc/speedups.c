#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include "acme.h"

/* scale(x) = x * ACME_FACTOR; hypot(a, b) from libm. */
static PyObject *scale(PyObject *self, PyObject *args) {
    double x;
    if (!PyArg_ParseTuple(args, "d", &x)) return NULL;
    return PyFloat_FromDouble(x * ACME_FACTOR);
}

static PyObject *py_hypot(PyObject *self, PyObject *args) {
    double a, b;
    if (!PyArg_ParseTuple(args, "dd", &a, &b)) return NULL;
    return PyFloat_FromDouble(hypot(a, b));
}

static PyMethodDef methods[] = {
    {"scale", scale, METH_VARARGS, "Multiply by ACME_FACTOR."},
    {"hypot", py_hypot, METH_VARARGS, "The hypotenuse."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
