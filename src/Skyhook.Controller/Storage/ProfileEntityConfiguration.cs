using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skyhook.Core.Policy;

namespace Skyhook.Controller.Storage;

internal sealed class ProfileEntityConfiguration : IEntityTypeConfiguration<ProfileEntity>
{
    public void Configure(EntityTypeBuilder<ProfileEntity> builder)
    {
        builder.ToTable("profiles");
        builder.Property(p => p.Name).HasMaxLength(AccessProfile.MaxNameLength);
        builder.Property(p => p.NormalizedName).HasMaxLength(AccessProfile.MaxNameLength);
        builder.HasIndex(p => p.NormalizedName).IsUnique();
        builder.Property(p => p.BasePolicy).HasMaxLength(16);
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasMany(p => p.Rules).WithOne().HasForeignKey(r => r.ProfileId).OnDelete(DeleteBehavior.Cascade);
    }
}
