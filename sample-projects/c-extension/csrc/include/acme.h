#ifndef ACME_H
#define ACME_H
#ifndef ACME_FACTOR
#error "ACME_FACTOR must be defined by define-macros"
#endif
#endif
