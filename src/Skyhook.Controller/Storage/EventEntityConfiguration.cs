using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skyhook.Controller.Events;

namespace Skyhook.Controller.Storage;

internal sealed class EventEntityConfiguration : IEntityTypeConfiguration<EventEntity>
{
    public void Configure(EntityTypeBuilder<EventEntity> builder)
    {
        builder.ToTable("events");
        builder.Property(e => e.GatewayName).HasMaxLength(EventLimits.GatewayName);
        builder.Property(e => e.Kind).HasMaxLength(EventLimits.Kind);
        builder.Property(e => e.User).HasMaxLength(EventLimits.User);
        builder.Property(e => e.VpnAddress).HasMaxLength(EventLimits.Address);
        builder.Property(e => e.SessionId).HasMaxLength(EventLimits.SessionId);
        builder.Property(e => e.Action).HasMaxLength(EventLimits.Action);
        builder.Property(e => e.Verdict).HasMaxLength(EventLimits.Verdict);
        builder.Property(e => e.Rule).HasMaxLength(EventLimits.Rule);
        builder.Property(e => e.Protocol).HasMaxLength(EventLimits.Protocol);
        builder.Property(e => e.Destination).HasMaxLength(EventLimits.Address);
        builder.Property(e => e.Container).HasMaxLength(EventLimits.ContainerName);
        builder.Property(e => e.Service).HasMaxLength(EventLimits.ContainerName);
        builder.Property(e => e.Name).HasMaxLength(EventLimits.Name);
        builder.Property(e => e.QueryType).HasMaxLength(EventLimits.Code);
        builder.Property(e => e.ResultCode).HasMaxLength(EventLimits.Code);
        builder.Property(e => e.Answer).HasMaxLength(EventLimits.Answer);
        builder.Property(e => e.Method).HasMaxLength(EventLimits.Code);
        builder.Property(e => e.Path).HasMaxLength(EventLimits.Path);
        builder.Property(e => e.Scheme).HasMaxLength(EventLimits.Code);
        builder.Property(e => e.PublicAddress).HasMaxLength(EventLimits.Address);
        builder.Property(e => e.ClientVersion).HasMaxLength(EventLimits.ClientVersion);
        builder.Property(e => e.Reason).HasMaxLength(EventLimits.Reason);

        // Exactly once per (gateway, sequence), whatever ingest's own check misses. Audit rows (both
        // null) and rows of removed gateways (gateway null) never collide: NULLs are distinct.
        builder.HasIndex(e => new { e.GatewayId, e.Sequence }).IsUnique();
        // What admins ask: one user's, one container's, one kind's, the denied, in a time range.
        builder.HasIndex(e => new { e.User, e.AtMs });
        builder.HasIndex(e => new { e.Container, e.AtMs });
        builder.HasIndex(e => new { e.Service, e.AtMs });
        builder.HasIndex(e => new { e.Kind, e.AtMs });
        builder.HasIndex(e => new { e.Verdict, e.AtMs });
        builder.HasIndex(e => e.AtMs);
        builder.HasOne<GatewayEntity>().WithMany().HasForeignKey(e => e.GatewayId).OnDelete(DeleteBehavior.SetNull);
    }
}
