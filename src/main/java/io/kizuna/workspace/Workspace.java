package io.kizuna.workspace;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant. Every piece of customer data belongs to exactly one workspace. */
@Entity
@Table(name = "workspaces")
public class Workspace {

    @Id
    public UUID id;

    @Column(nullable = false, columnDefinition = "text")
    public String name;

    @Column(name = "time_zone", nullable = false, columnDefinition = "text")
    public String timeZone;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, columnDefinition = "text")
    public WorkspaceStatus status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "disabled_at")
    public Instant disabledAt;
}
