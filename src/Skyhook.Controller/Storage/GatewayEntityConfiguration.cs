using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class GatewayEntityConfiguration : IEntityTypeConfiguration<GatewayEntity>
{
    public void Configure(EntityTypeBuilder<GatewayEntity> builder)
    {
        builder.ToTable("gateways");
        builder.Property(g => g.Name).HasMaxLength(64);
        builder.Property(g => g.NormalizedName).HasMaxLength(64);
        builder.HasIndex(g => g.NormalizedName).IsUnique();
        builder.Property(g => g.PublicEndpoint).HasMaxLength(260);
        builder.Property(g => g.ClientBlock).HasMaxLength(64);
        // Two gateways added at once to one group may compute the same free block; the second
        // insert then fails here and the request answers 409 instead of sharing addresses.
        builder.HasIndex(g => new { g.GroupId, g.ClientBlock }).IsUnique();
        builder.Property(g => g.JoinTokenHash).HasMaxLength(32);
        builder.HasIndex(g => g.JoinTokenHash).IsUnique();
        builder.Property(g => g.CredentialHash).HasMaxLength(32);
        builder.HasIndex(g => g.CredentialHash).IsUnique();
        builder.Property(g => g.CertificatePem).HasMaxLength(10_000);
        builder.Property(g => g.AppliedHash).HasMaxLength(64);
        builder.Property(g => g.ApplyError).HasMaxLength(2000);
        builder.Property(g => g.AgentVersion).HasMaxLength(64);
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasOne(g => g.Group).WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Restrict);
    }
}
