/* Intrusive doubly-linked circular lists: a struct embeds a list_node and
   is found back from it with list_entry (container_of). Used for run queues, wait queues, ... */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_node {
    struct list_node *next, *prev;
};

/* A list is a sentinel node; an empty list points at itself. */
struct list {
    struct list_node head;
};

#define LIST_INIT(l) { { &(l).head, &(l).head } }

static inline void list_init(struct list *l)
{
    l->head.next = l->head.prev = &l->head;
}

/* A node not in any list points at itself, so list_node_linked can tell. */
static inline void list_node_init(struct list_node *n)
{
    n->next = n->prev = n;
}

static inline bool list_node_linked(const struct list_node *n)
{
    return n->next != n;
}

static inline bool list_empty(const struct list *l)
{
    return l->head.next == &l->head;
}

static inline void list_insert_between(struct list_node *n, struct list_node *prev,
                                       struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}

static inline void list_push_back(struct list *l, struct list_node *n)
{
    list_insert_between(n, l->head.prev, &l->head);
}

static inline void list_push_front(struct list *l, struct list_node *n)
{
    list_insert_between(n, &l->head, l->head.next);
}

/* Inserts n before pos (pos may be the list's head: then at the back). */
static inline void list_insert_before(struct list_node *pos, struct list_node *n)
{
    list_insert_between(n, pos->prev, pos);
}

static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_node_init(n);
}

static inline struct list_node *list_front(const struct list *l)
{
    return list_empty(l) ? NULL : l->head.next;
}

static inline struct list_node *list_pop_front(struct list *l)
{
    struct list_node *n = list_front(l);
    if (n)
        list_remove(n);
    return n;
}

/* The struct of type `type` whose member `member` is the node n. */
#define list_entry(n, type, member) ((type *)((char *)(n) - offsetof(type, member)))

/* Iterates over every node; the body may not remove `n` (use the _safe form). */
#define list_for_each(n, l) for (struct list_node *n = (l)->head.next; n != &(l)->head; n = n->next)
#define list_for_each_safe(n, l)                                               \
    for (struct list_node *n = (l)->head.next, *n##_next = n->next; n != &(l)->head; \
         n = n##_next, n##_next = n->next)

#endif
