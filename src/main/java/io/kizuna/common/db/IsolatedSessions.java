package io.kizuna.common.db;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;

/**
 * Runs work in a Hibernate Reactive session of its own. {@code SessionFactory.withSession} reuses
 * a session already bound to the Vert.x context, and sibling GraphQL resolvers share that context,
 * so one resolver could close the session another still uses (quarkus#32870). A session opened
 * here is never bound to the context and is closed when the work ends.
 */
@ApplicationScoped
public class IsolatedSessions {

    private final Mutiny.SessionFactory sessionFactory;

    public IsolatedSessions(Mutiny.SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    public <T> Uni<T> read(Function<Mutiny.Session, Uni<T>> work) {
        return Uni.createFrom().deferred(sessionFactory::openSession)
                .chain(session -> work.apply(session).eventually(session::close));
    }

    public <T> Uni<T> transact(Function<Mutiny.Session, Uni<T>> work) {
        return read(session -> session.withTransaction(transaction -> work.apply(session)));
    }
}
