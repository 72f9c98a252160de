using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skyhook.Controller.Storage;

internal sealed class GatewayGroupEntityConfiguration : IEntityTypeConfiguration<GatewayGroupEntity>
{
    public void Configure(EntityTypeBuilder<GatewayGroupEntity> builder)
    {
        builder.ToTable("gateway_groups");
        builder.Property(g => g.Name).HasMaxLength(64);
        builder.Property(g => g.NormalizedName).HasMaxLength(64);
        builder.HasIndex(g => g.NormalizedName).IsUnique();
        builder.Property(g => g.Settings).HasMaxLength(100_000);
        builder.Property(g => g.Version).IsConcurrencyToken();
    }
}
